"""Uploaded files: checked type and size, generated names under the instance folder, served only through views."""
from __future__ import annotations

import hashlib
import io
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, send_file
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from portal.extensions import db
from portal.i18n import format_number
from portal.i18n import gettext as _
from portal.models import Upload

# Extension -> (content type, magic prefixes). Office files are ZIP containers.
KINDS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "webp": ("image/webp", (b"RIFF",)),
}
IMAGE_KINDS = ("jpg", "jpeg", "png", "webp")


class UploadError(ValueError):
    """A file was refused; the message is translated and safe to show."""


@dataclass
class CheckedFile:
    data: bytes
    original_name: str
    extension: str
    content_type: str


def upload_folder() -> Path:
    folder = Path(current_app.config["PORTAL_UPLOAD_FOLDER"])
    if not folder.is_absolute():
        folder = Path(current_app.instance_path) / folder
    from portal.extensions import private_dir

    return private_dir(folder)


def _safe_display_name(name: str) -> str:
    # Only the last path component is kept, and only for display: files are stored under generated names.
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    return base[:200] or "file"


def check_file(file: FileStorage | None, kinds: tuple[str, ...], max_bytes: int | None = None) -> CheckedFile:
    """Read and check an uploaded file; raise UploadError with a Vietnamese message when it is refused."""
    if file is None or not file.filename:
        raise UploadError(_("Choose a file."))
    name = _safe_display_name(file.filename)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in kinds or ext not in KINDS:
        raise UploadError(_("File type not allowed. Allowed: %(kinds)s.", kinds=", ".join(kinds)))
    limit = max_bytes or current_app.config["PORTAL_MAX_UPLOAD_BYTES"]
    data = file.stream.read(limit + 1)
    if len(data) > limit:
        raise UploadError(_("The file is too large (at most %(mb)s MB).", mb=round(limit / 1024 / 1024, 1)))
    if not data:
        raise UploadError(_("The file is empty."))
    content_type, magics = KINDS[ext]
    if not any(data.startswith(m) for m in magics):
        raise UploadError(_("The file content does not match its type (.%(ext)s).", ext=ext))
    if ext in IMAGE_KINDS:
        check_image_size(data)
    return CheckedFile(data=data, original_name=name, extension=ext, content_type=content_type)


def check_image_size(data: bytes) -> None:
    """Refuse an image whose declared size is over PORTAL_MAX_IMAGE_PIXELS, before any pixel is decoded.

    ``Image.open`` reads only the header; a 24 KB PNG may declare 14000×14000 pixels (a decompression bomb:
    decoding it takes gigabytes). Pillow's own guard (MAX_IMAGE_PIXELS) is set to the same limit as a backstop.
    """
    import warnings

    from PIL import Image, UnidentifiedImageError

    limit = int(current_app.config["PORTAL_MAX_IMAGE_PIXELS"])
    Image.MAX_IMAGE_PIXELS = limit
    too_big = _("The image is too large (at most %(mp)s megapixels). Take the photo at a lower resolution.",
                mp=format_number(round(limit / 1_000_000)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
                if width <= 0 or height <= 0:
                    raise UploadError(_("The image cannot be read."))
                if width * height > limit:
                    raise UploadError(too_big)
                img.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadError(too_big) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise UploadError(_("The image cannot be read.")) from None


def downscale_image(checked: CheckedFile, max_side: int = 1600, quality: int = 80) -> CheckedFile:
    """Shrink a photo to at most ``max_side`` pixels and re-encode it as JPEG (drops EXIF, saves bandwidth)."""
    from PIL import Image, ImageOps

    check_image_size(checked.data)  # also when a caller skipped check_file
    with Image.open(io.BytesIO(checked.data)) as img:
        img.draft("RGB", (max_side, max_side))  # JPEG: decode at a reduced scale, a fraction of the memory
        img = ImageOps.exif_transpose(img)
        img.thumbnail((max_side, max_side))
        out = io.BytesIO()
        img.convert("RGB").save(out, "JPEG", quality=quality, optimize=True)
    stem = checked.original_name.rsplit(".", 1)[0]
    return CheckedFile(data=out.getvalue(), original_name=stem + ".jpg", extension="jpg", content_type="image/jpeg")


def store(checked: CheckedFile, owner: str) -> Upload:
    """Write a checked file under a generated name and add its Upload row to the session."""
    stored_name = f"{secrets.token_hex(16)}.{checked.extension}"
    fd = os.open(upload_folder() / stored_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(checked.data)
    if has_request_context():
        g.setdefault("_portal_new_uploads", []).append(stored_name)
    upload = Upload(
        stored_name=stored_name,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=hashlib.sha256(checked.data).hexdigest(),
        owner=owner,
        uploaded_by=current_user.id if current_user and current_user.is_authenticated else None,
    )
    db.session.add(upload)
    return upload


def send_upload(upload: Upload, inline: bool = False):  # type: ignore[no-untyped-def]
    """Serve a stored file (the caller has already checked the user may see it)."""
    path = upload_folder() / upload.stored_name
    return send_file(
        path, mimetype=upload.content_type, as_attachment=not inline, download_name=upload.original_name
    )


def _remove_uncommitted(exc: BaseException | None = None) -> None:
    """Delete files stored during this request whose Upload row was never committed (a refused or failed save)."""
    names = g.pop("_portal_new_uploads", None)
    if not names:
        return
    from sqlalchemy import select

    db.session.rollback()  # what the view did not commit is gone anyway; read what is really stored
    kept = set(db.session.scalars(select(Upload.stored_name).where(Upload.stored_name.in_(names))))
    folder = upload_folder()
    for name in names:
        if name not in kept:
            (folder / name).unlink(missing_ok=True)


def init_app(app: Flask) -> None:
    app.teardown_request(_remove_uncommitted)
