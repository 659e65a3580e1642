"""Writing an exported file safely: into a temporary file beside the target, then renamed into place.

The target is never half-written (a crash leaves the old file or none), and an existing file is replaced
only when the caller says so.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from planner.errors import UserError


def write_file_atomically(target: Path, data: bytes, *, overwrite: bool = False) -> Path:
    target = target.expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise UserError(f"{target} is a folder; give a file name ending in .pdf")
    if not folder.is_dir():
        raise UserError(f"cannot write {target}: the folder {folder} does not exist")
    if target.exists() and not overwrite:
        raise UserError(f"{target} already exists; choose another name or allow replacing it (--force)")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise UserError(f"cannot write in {folder}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        if overwrite:
            os.replace(temporary, target)
        else:
            # link() fails if the target appeared meanwhile: never replace a file without consent.
            try:
                os.link(temporary, target)
            except FileExistsError:
                raise UserError(f"{target} already exists; choose another name or allow replacing it") from None
            except OSError:
                if target.exists():
                    raise UserError(f"{target} already exists") from None
                os.replace(temporary, target)
    except OSError as exc:
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target
