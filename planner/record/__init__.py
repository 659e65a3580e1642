"""The clinical record: patients, their assessments (visits), the plan versions drafted from them (signed,
amended), the follow-up schedule and a patient's history across visits.

One user action, one transaction: an assessment is never stored without its patient or its draft plan, and
a failure stores none of them. Modules, by what they hold:

* patients: the patient list, creating, editing and archiving patients; patient_ids: how ids are compared;
* visits: a patient's stored assessments, read (what a new plan is drafted against);
* assessments: storing an assessment with its draft plan, and saving an edited one (a new draft version
  when the latest is signed: amending);
* plans: plan versions as stored, signing, and the hashes that tie a signature to what was shown;
* followup: dated plan items, what is due, marking them done;
* patient_history: one summary of a patient across visits for the command line, the app and the PDF.

Nothing is imported here, so the first screen can import the patient list alone.
"""
