"""The files that state the version and how to cite agree with the one place the version is set,
project(loopfront VERSION …) in CMakeLists.txt: CITATION.cff, CHANGELOG.md's newest section and
the .deb name the README shows; CITATION.cff's survey reference lists the README's authors."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]


def project_version():
    match = re.search(r"^project\(loopfront VERSION (\d+\.\d+\.\d+)", (ROOT / "CMakeLists.txt").read_text(), re.M)
    assert match, "CMakeLists.txt has no project(loopfront VERSION x.y.z)"
    return match.group(1)


def test_citation_and_changelog_carry_the_project_version():
    version = project_version()
    citation = (ROOT / "CITATION.cff").read_text()
    assert re.search(r"^cff-version: 1\.2\.0$", citation, re.M)
    assert re.findall(r"^version: (.+)$", citation, re.M) == [version]
    sections = re.findall(r"^## (\d+\.\d+\.\d+)", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert sections and sections[0] == version, sections


def test_readme_names_the_deb_of_this_version():
    names = set(re.findall(r"loopfront_(\d+\.\d+\.\d+)_amd64\.deb", (ROOT / "README.md").read_text()))
    assert names == {project_version()}, names


def test_license_is_mit_for_the_loopfront_authors():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n\nCopyright (c) 2026 the loopfront authors\n")


def test_citation_references_the_survey_with_the_readme_authors():
    citation = (ROOT / "CITATION.cff").read_text()
    references = citation[citation.index("\nreferences:") :]
    assert 'title: "Full Stack Optimization of Transformer Inference: a Survey"' in references
    assert "arXiv:2302.14017" in references and "year: 2023" in references
    cited = re.findall(r"- family-names: (.+)\n\s+given-names: (.+)", references)
    bibtex = re.search(r"author\s*=\s*\{(.+?)\},\n", (ROOT / "README.md").read_text(), re.S).group(1)
    readme = [tuple(part.strip() for part in name.split(",")) for name in re.split(r"\s+and\s+", bibtex)]
    assert cited == readme, (cited, readme)
