"""``cloudcost.yml``: the company's name, payers with their currencies, tag keys and CUR export location.

The schema (README "Adopting cloudcost for your company"):

    company: Example Corp                  # required: a name for reports
    payers:                                # required: one entry per AWS payer (management) account
      - account_id: "123456789012"         # 12 digits, quoted so YAML keeps leading zeros
        name: main                         # optional label
        currency: USD                      # the CUR's currency (ISO 4217; AWS India bills in INR)
        invoice_currency: EUR              # optional: the invoice's currency when it differs from the CUR's
    tag_keys: [team, Team, cost-center]    # optional: the cost allocation tag keys your teams use
    export:                                # optional: where AWS delivers the CUR
      location: s3://bucket/prefix/        # the S3 prefix of the export
      local_path: cur/                     # where `aws s3 sync` copies it (relative to this folder)

Errors name the file, the line and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cloudcost.company.files import CompanyFileError

ACCOUNT_ID = re.compile(r"^\d{12}$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
TOP_LEVEL_KEYS = {"company", "payers", "tag_keys", "export"}
PAYER_KEYS = {"account_id", "name", "currency", "invoice_currency"}
EXPORT_KEYS = {"location", "local_path"}


@dataclass(frozen=True)
class Payer:
    account_id: str
    currency: str
    name: str = ""
    invoice_currency: str | None = None


@dataclass(frozen=True)
class CompanyConfig:
    company: str
    payers: tuple[Payer, ...]
    tag_keys: tuple[str, ...] = ()
    export: dict[str, str] = field(default_factory=dict)


class _Reader:
    """Values of a composed YAML document with the line each came from."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.root = yaml.compose(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            raise CompanyFileError(
                f"is not valid YAML ({getattr(error, 'problem', None) or error})",
                file=path,
                line=mark.line + 1 if mark else None,
                fix="Check the indentation and quoting on that line",
            ) from error

    def fail(self, node: yaml.Node | None, key: str, why: str, fix: str, value: Any = None) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        raise CompanyFileError(why, file=self.path, line=line, column=key, value=value, fix=fix)

    def mapping(self, node: yaml.Node | None, where: str, allowed: set[str]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, where, "must be a mapping of keys to values", "See the schema in the README")
        entries: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:  # type: ignore[union-attr]
            key = str(key_node.value)
            if key not in allowed:
                self.fail(key_node, key, f"unknown key in {where}", f"The keys are: {', '.join(sorted(allowed))}")
            entries[key] = value_node
        return entries

    def text(self, node: yaml.Node, key: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or str(node.value).strip() == "":
            self.fail(node, key, "must be a non-empty text value", "Write one value on the line")
        return str(node.value).strip()


def _payer(reader: _Reader, node: yaml.Node) -> Payer:
    entries = reader.mapping(node, "a payer", PAYER_KEYS)
    for required in ("account_id", "currency"):
        if required not in entries:
            reader.fail(node, required, f"a payer needs {required}", "See the schema in the README")
    account = reader.text(entries["account_id"], "account_id")
    if not ACCOUNT_ID.match(account) or entries["account_id"].tag.endswith(":int"):
        reader.fail(
            entries["account_id"],
            "account_id",
            "must be the 12-digit account id, quoted",
            'e.g. "012345678901"',
            account,
        )
    currencies = {}
    for key in ("currency", "invoice_currency"):
        if key in entries:
            currencies[key] = reader.text(entries[key], key)
            if not CURRENCY.match(currencies[key]):
                reader.fail(
                    entries[key], key, "must be a 3-letter ISO 4217 code", "e.g. USD, EUR, INR", currencies[key]
                )
    name = reader.text(entries["name"], "name") if "name" in entries else ""
    return Payer(account, currencies["currency"], name, currencies.get("invoice_currency"))


def read_config(path: Path) -> CompanyConfig:
    """The validated ``cloudcost.yml``; raises CompanyFileError naming the line and key."""
    reader = _Reader(path)
    top = reader.mapping(reader.root, path.name, TOP_LEVEL_KEYS)
    if "company" not in top:
        reader.fail(reader.root, "company", "the company's name is missing", "Add a line: company: Your Company")
    company = reader.text(top["company"], "company")
    payers_node = top.get("payers")
    if not isinstance(payers_node, yaml.SequenceNode) or not payers_node.value:
        reader.fail(payers_node or reader.root, "payers", "needs a list of at least one payer", "See the README")
    payers = tuple(_payer(reader, item) for item in payers_node.value)  # type: ignore[union-attr]
    seen: set[str] = set()
    for item, payer in zip(payers_node.value, payers, strict=True):  # type: ignore[union-attr]
        if payer.account_id in seen:
            reader.fail(item, "account_id", "payer listed twice", "List each payer once", payer.account_id)
        seen.add(payer.account_id)
    tag_keys: tuple[str, ...] = ()
    if "tag_keys" in top:
        node = top["tag_keys"]
        if not isinstance(node, yaml.SequenceNode):
            reader.fail(node, "tag_keys", "must be a list", "e.g. tag_keys: [team, cost-center]")
        tag_keys = tuple(reader.text(item, "tag_keys") for item in node.value)  # type: ignore[union-attr]
    export: dict[str, str] = {}
    if "export" in top:
        entries = reader.mapping(top["export"], "export", EXPORT_KEYS)
        export = {key: reader.text(value, key) for key, value in entries.items()}
    return CompanyConfig(company=company, payers=payers, tag_keys=tag_keys, export=export)
