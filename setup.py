"""Build step: compile the translation catalogues (.po → .mo) into the wheel or, for an editable
install, beside their .po files, so the app never compiles them when it starts.

Everything else about the package is declared in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CATALOGUES = Path("quizapp") / "translations"


class BuildWithCatalogues(build_py):
    """build_py, then messages.po → messages.mo for every language."""

    def run(self):
        """Copy the package as usual, then compile each catalogue where the install reads it."""
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        editable = getattr(self, "editable_mode", False)
        target = CATALOGUES if editable else Path(self.build_lib) / CATALOGUES
        for po in sorted(CATALOGUES.glob("*/LC_MESSAGES/messages.po")):
            mo = target / po.relative_to(CATALOGUES).with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source, mo.open("wb") as out:
                write_mo(out, read_po(source))


setup(cmdclass={"build_py": BuildWithCatalogues})
