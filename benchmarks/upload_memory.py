"""
What one image upload costs in memory: the peak resident set a worker adds while it
checks the file (`articles.images.open_checked`, the step every upload path runs
first) and while it re-encodes an accepted one (`reencoded`, what saving does).

    python benchmarks/upload_memory.py

Each file is measured in a fresh Python process that has loaded Django and every
Pillow plugin first, as a running server has: ru_maxrss (getrusage) after the call
minus before it. That process is started through a small launcher, because Linux
hands a process the ru_maxrss of the one that exec'd it (here, the images this script
builds); a grandchild starts clean. VmHWM from /proc, the same peak without that
inheritance, is printed beside it as a check.
"""

import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import io, json, resource, sys
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from articles import images

def vm_hwm_mb():
    with open("/proc/self/status") as status:
        return int(next(l for l in status if l.startswith("VmHWM:")).split()[1]) / 1024

def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

warm_up = io.BytesIO()
Image.new("RGB", (8, 8)).save(warm_up, "PNG")
images.open_checked(SimpleUploadedFile("w.png", warm_up.getvalue()))
Image.init()
with open(sys.argv[1], "rb") as f:
    upload = SimpleUploadedFile("upload", f.read())
before, hwm_before, code = maxrss_mb(), vm_hwm_mb(), None
try:
    (images.reencoded if sys.argv[2] == "reencode" else images.open_checked)(upload)
except ValidationError as error:
    code = error.code
print(json.dumps({"code": code, "ru_maxrss": maxrss_mb() - before,
                  "vm_hwm": vm_hwm_mb() - hwm_before}))
"""
LAUNCHER = "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"


def jpeg(size, **options):
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(
        buffer, format="JPEG", quality=50, **options
    )
    return buffer.getvalue()


def cut_in_half(data):
    return data[: len(data) // 2]


CASES = {
    "progressive JPEG 7300 × 5466 (39.9 MP), cut in half": lambda: cut_in_half(
        jpeg((7300, 5466), progressive=True)
    ),
    "progressive JPEG 7300 × 5466 (39.9 MP, 4:2:2), cut in half": lambda: cut_in_half(
        jpeg((7300, 5466), progressive=True, subsampling="4:2:2")
    ),
    "progressive JPEG 5873 × 3916 (23.0 MP)": lambda: jpeg((5873, 3916), progressive=True),
    "progressive JPEG 5873 × 3916 (23.0 MP), cut in half": lambda: cut_in_half(
        jpeg((5873, 3916), progressive=True)
    ),
    "progressive JPEG 6000 × 4000 (24 MP, 4:2:2, the largest let through), cut in half": (
        lambda: cut_in_half(jpeg((6000, 4000), progressive=True, subsampling="4:2:2"))
    ),
    "baseline JPEG 7300 × 5479 (40.0 MP)": lambda: jpeg((7300, 5479)),
    "baseline JPEG 7300 × 5479 (40.0 MP), cut in half": lambda: cut_in_half(jpeg((7300, 5479))),
}


def measure(path, mode):
    result = subprocess.run(
        [sys.executable, "-c", LAUNCHER, sys.executable, "-c", PROBE, str(path), mode],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "magazine.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def main():
    print(f"{'file':<84} {'step':<10} {'result':<22} {'+ru_maxrss':>10} {'+VmHWM':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for name, build in CASES.items():
            path = Path(folder) / "upload.bin"
            path.write_bytes(build())
            for mode in ("check", "reencode"):
                figures = measure(path, mode)
                print(
                    f"{name:<84} {mode:<10} {figures['code'] or 'accepted':<22} "
                    f"{figures['ru_maxrss']:>7.1f} MB {figures['vm_hwm']:>5.1f} MB"
                )
                if figures["code"]:
                    break  # refused: re-encoding refuses it at the same step


if __name__ == "__main__":
    main()
