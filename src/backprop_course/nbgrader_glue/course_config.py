"""A course directory and its configuration, read as nbgrader's apps read them: the folder's
nbgrader_config.py, then the command line's `--Class.trait=value` options."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import KVArgParseConfigLoader, PyFileConfigLoader

from ..course.paths import CourseDir

CONFIG_FILE = "nbgrader_config.py"
OPTION = re.compile(r"^--[A-Za-z_]\w*\.[A-Za-z_]\w*=")


def is_option(argument: str) -> bool:
    """Whether argument is a `--Class.trait=value` option, as nbgrader's apps take them."""
    return bool(OPTION.match(argument))


def load_config(root: Path, options: Sequence[str] = ()) -> Config:
    """root's nbgrader_config.py, with options on top."""
    config = Config()
    if (root / CONFIG_FILE).is_file():
        config.merge(PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config())
    if options:
        config.merge(KVArgParseConfigLoader(list(options)).load_config())
    return config


def open_course(root: Path | None = None, options: Sequence[str] = ()) -> CourseDir:
    """The course directory at root (the current directory by default), its gradebook's URL as
    its configuration says, and the options, which every nbgrader app run on it then gets too."""
    root = Path(root or Path.cwd()).resolve()
    coursedir = CourseDirectory(config=load_config(root, options))
    coursedir.root = str(root)
    return CourseDir(root, coursedir.db_url, tuple(options))


def course_config(course: CourseDir, **overrides) -> Config:
    """The course's configuration, with overrides as {"Class.trait": value} on top, its root the
    course's (where nbgrader's steps find the assignments' folders)."""
    config = load_config(course.root, course.options)
    config.CourseDirectory.root = str(course.root)
    for dotted, value in overrides.items():
        section, trait = dotted.split(".")
        config[section][trait] = value
    return config
