"""The synthetic company: accounts, teams, host types, fleets, other resources and its commitments.

One payer with eight linked accounts, eight teams and 24 host types. Each host type runs one or more
*fleets* (a group of identical instances of one type in one account and region: an auto-scaling group,
a database, a cache cluster) whose hourly size follows daily and weekly patterns, a trend and step
changes. The structure is fixed (so every seed has the same scenarios); the seed decides ids, sizes
within ±15 %, amplitudes and noise. ``scale`` multiplies every fleet and resource count: the engine
picks it so the output has about the requested number of line items.

Scenarios the later analyses rely on (all listed in ``generation.json`` under ``scenarios``):

* ``ri_floor``: search-indexer runs a constant floor of c6i.2xlarge instances on demand (no RI, and no
  Savings Plan reaches c6i because c6i has the lowest Compute SP discount and the commitment is used up
  by other families first). The next month reservations for exactly that floor are bought.
* ``prev_gen_migration``: checkout-api moves from m4 to m5; the m4 reservation goes unused, then expires.
* ``sp_underused``: identity-api moves from m6g to m7g, leaving its EC2 Instance Savings Plan under-used.
* ``rds_downsize``: sessions-db shrinks from db.r5.xlarge to db.r5.large; its RDS reservation goes unused.
* ``gp2_volumes``, ``idle_nat_gateways``, ``untagged``: storage, network and tagging opportunities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from . import catalog
from .datafiles import load
from .timeline import Window

_DATA = load("company")
COMPANY: str = _DATA["company"]
INVOICING_ENTITY: str = _DATA["contract"]["invoicing_entity"]
LEGAL_ENTITY: str = _DATA["contract"]["legal_entity"]
TAX_TYPE: str = _DATA["contract"]["tax_type"]
TAX_RATE: float = _DATA["contract"]["tax_rate"]
EDP_RATE: float = _DATA["contract"]["edp_rate"]
PRIVATE_RATE_DT_DISCOUNT: float = _DATA["contract"]["private_rate_dt_discount"]
COST_CENTER_TAG_FROM_PERIOD = 1  # the cost_center tag is activated from the second month on
MARKETPLACE_SELLER: str = _DATA["marketplace"]["seller"]
MARKETPLACE_PRODUCT: str = _DATA["marketplace"]["product"]


@dataclass(frozen=True)
class Account:
    index: int
    account_id: str
    name: str
    default_team: str | None
    business_unit: str


@dataclass(frozen=True)
class HostType:
    name: str
    team: str
    functional_group: str
    tagging: str  # tags | asg | none
    asg_name: str


@dataclass
class Fleet:
    index: int
    host_type: str
    team: str
    service: str  # AmazonEC2 | AmazonRDS | AmazonElastiCache
    account: int
    region: str
    instance_type: str
    platform: str = "Linux"  # EC2 operating system, RDS engine or ElastiCache engine
    multi_az: bool = False
    spot: bool = False
    tagging: str = "tags"
    environment: str = "production"
    floor: float = 1.0  # always-on instances at scale 1
    extra: float = 0.0  # instances above the floor at the daily peak, scale 1
    diurnal_peak_utc: float = 17.0
    diurnal_width: float = 1.0  # 1 = smooth day curve; larger = narrower peak
    weekend_drop: float = 0.0
    trend_per_month: float = 0.0
    noise: float = 0.05
    driver: str | None = None  # business metric that drives the size ("payments")
    start_hour: float = 0.0
    end_hour: float = float("inf")
    steps: list[tuple[float, float]] = field(default_factory=list)  # (hour, multiplier of the size)
    floor_scales: bool = True  # False: the floor is an exact count at every scale
    min_floor: int = 1  # at least this many always-on instances, whatever the scale
    # derived
    factor: float = 0.0  # AWS normalization factor of one instance (Multi-AZ doubled)
    od_rate: float = 0.0
    ri_key: str = ""
    azs: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        return catalog.split_instance_type(self.instance_type)[0]


@dataclass
class Reservation:
    index: int
    service: str
    region: str
    instance_type: str
    platform: str
    multi_az: bool
    count: int
    term_years: int
    payment_option: str
    offering_class: str
    start: datetime
    size_flexible: bool
    account: int
    in_window_purchase: bool
    arn: str = ""
    subscription_id: str = ""
    key: str = ""
    factor: float = 0.0  # AWS normalization factor of one reserved instance
    od_rate: float = 0.0
    upfront_total: float = 0.0
    recurring_hourly: float = 0.0  # per reserved instance
    scenario: str = ""

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=365 * self.term_years) - timedelta(seconds=1)

    @property
    def family(self) -> str:
        return catalog.split_instance_type(self.instance_type)[0]

    @property
    def term_hours(self) -> int:
        return catalog.HOURS_PER_YEAR * self.term_years

    @property
    def units(self) -> float:
        return self.count * self.factor

    @property
    def recurring_per_unit(self) -> float:
        return self.recurring_hourly / self.factor

    @property
    def amortized_per_unit(self) -> float:
        return self.upfront_total / self.count / self.term_hours / self.factor


@dataclass
class SavingsPlan:
    index: int
    kind: str  # ComputeSavingsPlans | EC2InstanceSavingsPlans
    term_years: int
    payment_option: str
    commitment: float  # USD per hour
    start: datetime
    account: int
    family: str = ""
    region: str = ""
    in_window_purchase: bool = False
    returned_on: datetime | None = None  # bought and returned (refunded) before it applied
    arn: str = ""
    plan_id: str = ""
    scenario: str = ""

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=365 * self.term_years) - timedelta(seconds=1)

    @property
    def term_hours(self) -> int:
        return catalog.HOURS_PER_YEAR * self.term_years

    @property
    def upfront_total(self) -> float:
        share = catalog.RI_UPFRONT_SHARE[self.payment_option]
        return round(self.commitment * self.term_hours * share, 2)

    @property
    def amortized_hourly(self) -> float:
        return self.upfront_total / self.term_hours

    @property
    def recurring_hourly(self) -> float:
        return self.commitment - self.amortized_hourly

    @property
    def usage_type(self) -> str:
        prefix = "ComputeSP" if self.kind == "ComputeSavingsPlans" else "EC2InstanceSP"
        return f"{prefix}:{self.term_years}yr{self.payment_option.replace(' ', '')}"

    def rate_ratio(self, fleet: Fleet) -> float:
        """SP rate / on-demand rate for an instance of the fleet (1.0 = not eligible)."""
        if fleet.service != "AmazonEC2" or fleet.spot:
            return 1.0
        fam = catalog.FAMILIES[fleet.family]
        if self.kind == "EC2InstanceSavingsPlans":
            if fleet.family != self.family or fleet.region != self.region:
                return 1.0
            ratio = fam.sp_instance_ratio
        else:
            ratio = fam.sp_compute_ratio
        ratio *= catalog.SP_PAYMENT_FACTOR[self.payment_option]
        if self.term_years == 3:
            ratio *= catalog.SP_THREE_YEAR_FACTOR
        if fleet.platform == "Windows":
            ratio = 1.0 - (1.0 - ratio) * 0.5
        return ratio


@dataclass
class SimpleStream:
    """A non-instance resource or charge with a daily quantity (S3 bucket, volume, NAT gateway, …)."""

    index: int
    kind: str  # gbmo (size in GB, billed per GB-month) | hours | count
    account: int
    service: str
    usage_type: str
    operation: str
    product: dict
    unit: str
    rate: float  # unblended rate
    public_rate: float
    description: str
    resource_id: str
    tags: int  # tag set index
    quantity: float  # per day (count/hours) or GB (gbmo), scale already applied
    growth_per_month: float = 0.0
    weekend_drop: float = 0.0
    noise: float = 0.05
    az: str = ""
    pricing_term: str = "OnDemand"
    line_item_type: str = "Usage"
    billing_entity: str = "AWS"
    legal_entity: str = LEGAL_ENTITY
    first_day_only: bool = False  # free tier allowances, monthly charges
    start_hour: float = 0.0
    end_hour: float = float("inf")
    driver: str | None = None
    private_rate: bool = False  # a PrivateRateDiscount line applies
    host_type: str = ""


class TagRegistry:
    """Distinct resource tag sets (CUR 2.0 key spelling); index 0 is "no tags"."""

    def __init__(self) -> None:
        self.sets: list[dict[str, str]] = [{}]
        self._index: dict[tuple, int] = {(): 0}

    def index(self, entry: dict[str, str]) -> int:
        key = tuple(sorted(entry.items()))
        if key not in self._index:
            self._index[key] = len(self.sets)
            self.sets.append(dict(entry))
        return self._index[key]


@dataclass
class Company:
    seed: int
    scale: float
    window: Window
    payer_account_id: str
    accounts: list[Account]
    teams: list[str]
    host_types: list[HostType]
    fleets: list[Fleet]
    reservations: list[Reservation]
    savings_plans: list[SavingsPlan]
    streams: list[SimpleStream]
    tags: TagRegistry
    business_volumes: dict[str, np.ndarray]  # metric -> value per window day
    scenarios: dict = field(default_factory=dict)

    def account(self, index: int) -> Account:
        return self.accounts[index]

    def host_type(self, name: str) -> HostType:
        return next(h for h in self.host_types if h.name == name)

    def tag_set(
        self, host: str | None, team: str | None, tagging: str = "tags", environment: str = "production"
    ) -> int:
        """Index of the tag set a resource of this host type/team carries."""
        if tagging == "none":
            return 0
        if tagging == "asg":
            assert host is not None
            return self.tags.index({"aws_autoscaling_group_name": self.host_type(host).asg_name})
        entry = {"user_environment": environment}
        if team:
            entry["user_team"] = team
            entry["user_cost_center"] = f"CC-{1000 + TEAMS.index(team) * 10}"
        if host:
            entry["user_host_type"] = host
            entry["user_name"] = f"{host}-{environment}"
        return self.tags.index(entry)

    def fleet_tag_set(self, fleet: Fleet) -> int:
        return self.tag_set(fleet.host_type, fleet.team, fleet.tagging, fleet.environment)


TEAMS: tuple[str, ...] = tuple(_DATA["teams"])
# account -> (name, default team, business unit); the first one is the payer
ACCOUNT_LAYOUT: tuple[tuple[str, str | None, str], ...] = tuple(
    (a["name"], a["default_team"], a["business_unit"]) for a in _DATA["accounts"]
)
# host type -> (team, functional group, tagging)
HOST_TYPES: tuple[tuple[str, str, str, str], ...] = tuple(
    (h["name"], h["team"], h["functional_group"], h["tagging"]) for h in _DATA["host_types"]
)


def account_index(name: str) -> int:
    """Position of the account called `name` in the company's account list."""
    return next(i for i, (account, _, _) in enumerate(ACCOUNT_LAYOUT) if account == name)


A_PAYER = 0
PAYER_NAME = ACCOUNT_LAYOUT[A_PAYER][0]
A_PAY = account_index("acme-prod-payments")
A_SANDBOX = account_index("acme-sandbox")


def _account_ids(rng: np.random.Generator) -> list[str]:
    ids: list[str] = []
    while len(ids) < len(ACCOUNT_LAYOUT):
        candidate = f"{int(rng.integers(10**11, 10**12)):012d}"
        if candidate not in ids:
            ids.append(candidate)
    # AWS account ids are 12-digit strings; some start with zeros (kept as strings everywhere)
    ids[A_PAY] = "0" + ids[A_PAY][1:]
    ids[A_SANDBOX] = "00" + ids[A_SANDBOX][2:]
    return ids


def _asg_name(host_type: str, rng: np.random.Generator) -> str:
    if host_type == "k8s-node":
        return f"eks-prod-core-nodes-{rng.integers(16**8):08x}-{rng.integers(16**4):04x}"
    stamp = f"2025{int(rng.integers(1, 13)):02d}{int(rng.integers(1, 29)):02d}{int(rng.integers(10**6)):06d}"
    return f"{host_type}-prod-{stamp}00000001"


def _payments_volume(window: Window, rng: np.random.Generator) -> np.ndarray:
    days = np.arange(window.days)
    dates = [window.start + timedelta(days=int(d)) for d in days]
    weekday = np.array([d.weekday() for d in dates])
    weekly = np.select([weekday == 5, weekday == 6], [0.82, 0.78], 1.0)
    # month-end payroll bump on the last business day
    month_end = np.array(
        [
            (d + timedelta(days=1)).month != d.month or ((d + timedelta(days=3)).month != d.month and d.weekday() == 4)
            for d in dates
        ]
    )
    trend = (1.025) ** (days / 30.4)
    noise = np.exp(rng.normal(0.0, 0.02, size=len(days)))
    return 1_200_000.0 * trend * weekly * np.where(month_end, 1.12, 1.0) * noise


def _hour(spec: float | dict, window: Window) -> float:
    """An hour of the window as company.yml writes it: a number, or {month: M, day: D}."""
    if isinstance(spec, dict):
        return window.period_hour(spec["month"], spec["day"])
    return float(spec)


def _fleet(index: int, spec: dict, ht: dict[str, HostType], window: Window, rng: np.random.Generator) -> Fleet:
    """One fleet of company.yml; a floor written {jitter: N} draws N times 0.85..1.15."""
    h = ht[spec["host_type"]]
    kw = {k: v for k, v in spec.items() if k not in ("host_type", "service", "account", "region", "instance_type")}
    if isinstance(kw.get("floor"), dict):
        kw["floor"] = kw["floor"]["jitter"] * float(rng.uniform(0.85, 1.15))
    for key in ("start_hour", "end_hour"):
        if key in kw:
            kw[key] = _hour(kw[key], window)
    if "steps" in kw:
        kw["steps"] = [(_hour(step["at"], window), step["size"]) for step in kw["steps"]]
    account = account_index(spec["account"])
    return Fleet(
        index, h.name, h.team, spec["service"], account, spec["region"], spec["instance_type"], tagging=h.tagging, **kw
    )


def _fleets(ht: dict[str, HostType], window: Window, rng: np.random.Generator) -> list[Fleet]:
    return [_fleet(i, spec, ht, window, rng) for i, spec in enumerate(_DATA["fleets"])]


def _derive(f: Fleet) -> None:
    """Fill a fleet's normalization factor, on-demand rate, reservation key and availability zones."""
    _, size = catalog.split_instance_type(f.instance_type)
    f.factor = catalog.size_factor(size) * (2 if f.multi_az else 1)
    if f.service == "AmazonEC2":
        f.od_rate = catalog.ec2_on_demand_rate(f.instance_type, f.region, f.platform)
        windows = f.platform == "Windows"
        f.ri_key = f"ec2|{f.region}|{f.instance_type}|Windows" if windows else f"ec2|{f.region}|{f.family}|Linux"
    elif f.service == "AmazonRDS":
        f.od_rate = catalog.rds_on_demand_rate(f.instance_type, f.region, f.platform, f.multi_az)
        f.ri_key = f"rds|{f.region}|{f.family}|{f.platform}"
    else:
        f.od_rate = catalog.cache_on_demand_rate(f.instance_type, f.region)
        f.ri_key = f"cache|{f.region}|{f.instance_type}"
    if f.spot:
        f.ri_key = ""
    azs = catalog.REGIONS[f.region].azs
    f.azs = azs if f.service == "AmazonEC2" else azs[:1]


def build_company(seed: int, window: Window, scale: float) -> Company:
    """Accounts, host types and fleets (commitments and other resources are added by their builders)."""
    rng = np.random.default_rng([seed, 7])
    ids = _account_ids(rng)
    accounts = [Account(i, ids[i], name, team, unit) for i, (name, team, unit) in enumerate(ACCOUNT_LAYOUT)]
    host_types = [
        HostType(name, team, group, tagging, _asg_name(name, rng) if tagging == "asg" else "")
        for name, team, group, tagging in HOST_TYPES
    ]
    ht = {h.name: h for h in host_types}
    n_periods = len(window.periods)
    floor_period = max(0, min(2, n_periods - 2))
    fleets = _fleets(ht, window, rng)
    for f in fleets:
        _derive(f)
    volumes = {"payments": _payments_volume(window, rng)}
    company = Company(
        seed=seed,
        scale=scale,
        window=window,
        payer_account_id=ids[A_PAYER],
        accounts=accounts,
        teams=list(TEAMS),
        host_types=host_types,
        fleets=fleets,
        reservations=[],
        savings_plans=[],
        streams=[],
        tags=TagRegistry(),
        business_volumes=volumes,
    )
    company.scenarios["ri_floor"] = {"floor_period_index": floor_period}
    return company
