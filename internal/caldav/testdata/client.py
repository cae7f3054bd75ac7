"""python3-caldav against a Jiedai test server (see clients_test.go).

usage: client.py URL USER PASSWORD list
       client.py URL USER PASSWORD sync TOKEN
Prints one JSON object: what the library discovered, listed and synced.
"""
import json
import sys

import caldav

url, user, password, mode = sys.argv[1:5]
client = caldav.DAVClient(url=url, username=user, password=password)
principal = client.principal()
calendars = principal.calendars()
mine = [c for c in calendars if str(c.url).rstrip("/").endswith("/mine")][0]
if mode == "list":
    events = mine.events()  # calendar-query
    synced = mine.objects_by_sync_token(load_objects=True)  # sync-collection
    print(json.dumps({
        "principal": str(principal.url),
        "calendars": sorted(c.name for c in calendars),
        "events": [e.data for e in events],
        "objects": sorted(str(o.url) for o in synced),
        "token": synced.sync_token,
    }, ensure_ascii=False))
else:
    synced = mine.objects_by_sync_token(sync_token=sys.argv[5], load_objects=True)
    print(json.dumps({
        "changed": [o.data for o in synced if o.data],
        "deleted": sorted(str(o.url) for o in synced if not o.data),
        "token": synced.sync_token,
    }, ensure_ascii=False))
