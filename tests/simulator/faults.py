"""Seeded fault injection for API requests (never for the admin API)."""

import random
import threading

FAULT_KEYS = {
    "latency_ms": float,
    "jitter_ms": float,
    "error_500_rate": float,
    "error_503_rate": float,
    "retry_after": int,
    "drop_before_rate": float,
    "drop_after_rate": float,
}
ALL_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")


class Faults:
    def __init__(self, seed=0, methods=None, **values):
        self.lock = threading.Lock()
        self.values = {k: t(0) for k, t in FAULT_KEYS.items()}
        self.values["retry_after"] = 1
        self.methods = set(ALL_METHODS)
        self.seed = seed
        self.rng = random.Random(seed)
        self.update(dict(values, methods=methods))

    def snapshot(self):
        with self.lock:
            out = dict(self.values)
            out["methods"] = sorted(self.methods)
            out["seed"] = self.seed
            return out

    def update(self, changes):
        """Apply a partial change; {"reset": true} first sets every fault back to off.

        Raises ValueError naming the bad key or value.
        """
        if not isinstance(changes, dict):
            raise ValueError("faults must be a JSON object")
        changes = dict(changes)
        with self.lock:
            new = dict(self.values)
            methods = set(self.methods)
            seed = None
            if changes.pop("reset", False):
                new = {k: t(0) for k, t in FAULT_KEYS.items()}
                new["retry_after"] = 1
                methods = set(ALL_METHODS)
            for key, value in changes.items():
                if key == "methods":
                    if value is None:
                        continue
                    if isinstance(value, str):
                        value = [m for m in value.split(",") if m.strip()]
                    if not isinstance(value, list) or not value:
                        raise ValueError("methods must be a non-empty list of HTTP methods")
                    methods = {str(m).strip().upper() for m in value}
                    if not methods <= set(ALL_METHODS):
                        raise ValueError("unknown method in methods: %s" % ", ".join(sorted(methods - set(ALL_METHODS))))
                elif key in ("seed", "fault_seed"):
                    seed = int(value)
                elif key in FAULT_KEYS:
                    if value is None:
                        continue
                    try:
                        v = FAULT_KEYS[key](value)
                    except (TypeError, ValueError):
                        raise ValueError("%s must be a number, not %r" % (key, value))
                    if v < 0 or (key.endswith("_rate") and v > 1):
                        raise ValueError("%s must be %s, not %r" % (key, "between 0 and 1" if key.endswith("_rate") else ">= 0", value))
                    new[key] = v
                else:
                    raise ValueError("unknown fault %r; known: %s, methods, seed, reset" % (key, ", ".join(FAULT_KEYS)))
            self.values = new
            self.methods = methods
            if seed is not None:
                self.seed = seed
                self.rng = random.Random(seed)

    def roll(self, method):
        """Decide the faults of one API request.

        Always draws the same number of random values so a run is reproducible.
        Returns (delay_seconds, fault) with fault None, "drop_before", "500", "503" or "drop_after".
        """
        with self.lock:
            v = self.values
            r = [self.rng.random() for _ in range(5)]
            applies = method in self.methods
        if not applies:
            return 0.0, None
        delay = (v["latency_ms"] + v["jitter_ms"] * r[0]) / 1000.0
        if r[1] < v["drop_before_rate"]:
            return delay, "drop_before"
        if r[2] < v["error_500_rate"]:
            return delay, "500"
        if r[3] < v["error_503_rate"]:
            return delay, "503"
        if r[4] < v["drop_after_rate"]:
            return delay, "drop_after"
        return delay, None
