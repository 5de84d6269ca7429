"""Every modelling parameter of the insights in one place, with the sentence each one adds to the output.

These are planning assumptions set here, not measured facts; each analysis writes them into its output so a
reader knows what the numbers rest on. Change them here (and only here).
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class ModelParameters:
    window_s: int = 300  # flows are counted per 5-minute window
    walk_speed_mps: float = 1.3  # the router's own walking speed (routing.render.WALK_SPEED_MPS)
    leave_spread_s: int = 600  # pupils leave evenly over the 10 minutes after their finish time
    typical_walk_m: float = 1_600.0  # modelled mean home-to-school walk (distance decay is fitted to it)
    max_walk_m: float = 3_000.0  # homes further than this walk are assumed to travel another way
    walk_share: float = 0.5  # share of a school's pupils assumed to walk home (modelled source only)
    suppress_below: int = 10  # any pupil count under this is never stored or shown
    horizon_s: int = 3_600  # flows are followed for an hour after the last leaver
    min_patrol_spacing_m: float = 250.0  # patrol points at least this far apart
    patrol_dwell_s: int = 600  # an officer stays 10 minutes at each patrol point
    patrol_late_s: int = (
        1_200  # a point is kept only if the officer gets there within 20 min of its busiest time
    )

    def assumptions(self) -> list[str]:
        """Plain sentences for reports: what the numbers rest on."""
        return [
            f"Pupils walk at {self.walk_speed_mps:g} m/s (about {self.walk_speed_mps * 3.6:.1f} km/h), "
            "along the safer route WayHome would give them.",
            f"Pupils leave evenly over the {self.leave_spread_s // 60} minutes after their finish time.",
            f"Flows are expected numbers of pupils passing a street in each {self.window_s // 60}-minute window.",
            f"Any number of pupils under {self.suppress_below} is shown as 'fewer than {self.suppress_below}'.",
            "Routes are worked out once for the day's after-school conditions; moving a finish time changes "
            "when pupils pass, not which streets they take.",
        ]

    def modelled_assumptions(self) -> list[str]:
        return [
            "Where no counts were imported, where pupils live is MODELLED, not known: every residential "
            "postcode of the area counts the same, and fewer pupils live further away (distance decay fitted "
            f"so the average walk home is {self.typical_walk_m / 1000:g} km).",
            f"Modelled: {self.walk_share:.0%} of each school's pupils walk home, and nobody walks more than "
            f"{self.max_walk_m / 1000:g} km; school sizes are GIAS pupil numbers where the data has them.",
        ]

    def as_dict(self) -> dict[str, float | int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


PARAMETERS = ModelParameters()
