#!/usr/bin/env python3
"""ha_schema.py - checks Home Assistant MQTT discovery configs against the schema Home
Assistant documents for each component Latchkey announces (binary_sensor, sensor, button,
event; docs: home-assistant.io/integrations/<component>.mqtt, keys and abbreviations of the
MQTT discovery page). Reads "TOPIC PAYLOAD" lines (mosquitto_sub -v) on stdin; every config
must expand (abbreviations), have its component's required keys, only keys that component
knows, valid device classes and entity categories, a device with identifiers, and a topic
<prefix>/<component>/<node_id>/<object_id>/config. Prints one line per config; exit 1 on
the first wrong one. usage: ha_schema.py EXPECTED_COMPONENT:OBJECT... < configs
"""
import json
import re
import sys

# The abbreviations used by Latchkey's devices (Home Assistant's list is longer).
ABBREVIATIONS = {
    "avty_t": "availability_topic", "cmd_t": "command_topic", "cmd_tpl": "command_template",
    "dev": "device", "dev_cla": "device_class", "ent_cat": "entity_category",
    "json_attr_t": "json_attributes_topic", "pl_avail": "payload_available",
    "pl_not_avail": "payload_not_available", "pl_off": "payload_off", "pl_on": "payload_on",
    "pl_prs": "payload_press", "stat_t": "state_topic", "uniq_id": "unique_id",
    "val_tpl": "value_template", "evt_typ": "event_types", "ret": "retain",
}
DEVICE_ABBREVIATIONS = {"ids": "identifiers", "mf": "manufacturer", "mdl": "model",
                        "sw": "sw_version", "name": "name", "cns": "connections"}

# Keys every MQTT entity may carry, and each component's own (required ones marked).
COMMON = {"availability_topic", "payload_available", "payload_not_available", "device",
          "entity_category", "name", "unique_id", "json_attributes_topic", "qos", "icon",
          "object_id", "enabled_by_default", "encoding", "availability_mode",
          "json_attributes_template", "availability_template", "origin"}
COMPONENTS = {
    "binary_sensor": ({"state_topic"}, {"device_class", "payload_on", "payload_off",
                                        "value_template", "force_update", "off_delay",
                                        "expire_after"}),
    "sensor": ({"state_topic"}, {"device_class", "value_template", "unit_of_measurement",
                                 "state_class", "force_update", "expire_after"}),
    "button": ({"command_topic"}, {"device_class", "payload_press", "command_template",
                                   "retain"}),
    "event": ({"state_topic", "event_types"}, {"device_class", "value_template"}),
}
DEVICE_CLASSES = {
    "binary_sensor": {"connectivity", "door", "lock", "opening", "problem", "running"},
    "sensor": {None},
    "button": {"identify", "restart", "update"},
    "event": {"button", "doorbell", "motion"},
}
TOPIC_RE = re.compile(r"^[A-Za-z0-9_/-]+/(binary_sensor|sensor|button|event)/"
                      r"([A-Za-z0-9_-]+)/([A-Za-z0-9_-]+)/config$")
MQTT_TOPIC_RE = re.compile(r"^[^#+\s]+$")


def expand(raw, table):
    out = {}
    for k, v in raw.items():
        full = table.get(k, k)
        if full in out:
            raise ValueError(f"key {full} given twice (as {k})")
        out[full] = v
    return out


def check(topic, payload):
    m = TOPIC_RE.match(topic)
    if not m:
        raise ValueError(f"not a discovery config topic: {topic}")
    component, node, obj = m.groups()
    cfg = expand(json.loads(payload), ABBREVIATIONS)
    required, own = COMPONENTS[component]
    missing = required - cfg.keys()
    if missing:
        raise ValueError(f"{component} lacks {sorted(missing)}")
    unknown = cfg.keys() - COMMON - required - own
    if unknown:
        raise ValueError(f"{component} does not know {sorted(unknown)}")
    if cfg.get("device_class") not in DEVICE_CLASSES[component] | {None}:
        raise ValueError(f"{component} device_class {cfg['device_class']!r} is not one of it")
    if cfg.get("entity_category") not in (None, "config", "diagnostic"):
        raise ValueError(f"entity_category {cfg['entity_category']!r}")
    for k, v in cfg.items():
        if k.endswith("_topic") and not (isinstance(v, str) and MQTT_TOPIC_RE.match(v)):
            raise ValueError(f"{k} {v!r} is not a topic to publish or subscribe exactly")
        if k.endswith("_template") and not (isinstance(v, str) and "{{" in v):
            raise ValueError(f"{k} {v!r} is not a template")
    if component == "event":
        types = cfg["event_types"]
        if not (isinstance(types, list) and types and all(isinstance(t, str) for t in types)):
            raise ValueError("event_types must be a non-empty list of strings")
    if "qos" in cfg and cfg["qos"] not in (0, 1, 2):
        raise ValueError(f"qos {cfg['qos']!r}")
    dev = expand(cfg.get("device", {}), DEVICE_ABBREVIATIONS)
    if not dev.get("identifiers") and not dev.get("connections"):
        raise ValueError("device needs identifiers or connections")
    ids = dev.get("identifiers")
    if ids is not None and not isinstance(ids, (str, list)):
        raise ValueError("device identifiers must be a string or a list")
    if not isinstance(cfg.get("unique_id", ""), str) or not cfg.get("unique_id"):
        raise ValueError("no unique_id (needed for a device's entity)")
    return f"{component}:{obj}"


def main():
    want = set(sys.argv[1:])
    seen = set()
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            continue
        topic, _, payload = line.partition(" ")
        try:
            seen.add(check(topic, payload))
        except (ValueError, KeyError, json.JSONDecodeError) as e:
            print(f"INVALID {topic}: {e}")
            return 1
        print(f"valid {topic}")
    if want - seen:
        print(f"MISSING {sorted(want - seen)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
