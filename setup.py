"""The package's build, as pyproject.toml declares it, plus one step: the wheel carries the course's
assignments (assignments/<name>/ and the notebooks built from them, source/<name>/) inside the
package, at backprop_course/course_files/, where `backprop-course init` finds them
(backprop_course/course/shipped.py) to add them to an existing course."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ASSIGNMENTS, SOURCE = "assignments", "source"  # as course/paths.py names them
CONTRACT_FILE = "assignment.toml"  # what makes a folder an assignment (course/loading.py)
TARGET = Path("backprop_course", "course_files")  # shipped.py's PACKAGED
LEFT_OUT = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")


class BuildWithCourseFiles(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads the checkout itself
            return
        target = Path(self.build_lib, TARGET)
        shutil.rmtree(target, ignore_errors=True)
        for folder in sorted(Path(ASSIGNMENTS).iterdir()):
            if (folder / CONTRACT_FILE).is_file():
                shutil.copytree(folder, target / ASSIGNMENTS / folder.name, ignore=LEFT_OUT)
                shutil.copytree(Path(SOURCE, folder.name), target / SOURCE / folder.name, ignore=LEFT_OUT)


setup(cmdclass={"build_py": BuildWithCourseFiles})
