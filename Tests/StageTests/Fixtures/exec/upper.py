"""An exec-stage child for the tests: upper-cases content.text.

Records whose id contains "drop" are dropped, those whose id contains "bad" fail. Each answer records the
child's process id and the WINNOW_GREETING variable under extensions.upper. One answer line per input line,
flushed at once (pipes are block-buffered).
"""
import json
import os
import sys

for line in sys.stdin:
    record = json.loads(line)
    record_id = record["id"]
    if "drop" in record_id:
        answer = {"drop": "asked to drop"}
    elif "bad" in record_id:
        answer = {"error": "cannot handle " + record_id}
    else:
        content = record.get("content")
        if content is not None:
            content["text"] = content["text"].upper()
        record.setdefault("extensions", {})["upper"] = {
            "pid": os.getpid(),
            "greeting": os.environ.get("WINNOW_GREETING"),
            "hadBody": "body" in record,
        }
        answer = record
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
