// Reads an iCalendar document on stdin and prints, one per line and sorted, each occurrence
// ical.js (Thunderbird's parser) finds in [FROM, TO): "UID 2025-07-03T08:00:00.000Z" for a
// timed one (in UTC), "UID 2025-07-03" for an all-day one. Moved occurrences are at their new
// time; cancelled ones are left out.
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const [from, to] = process.argv.slice(2).map((text) => ICAL.Time.fromDateTimeString(text));
const root = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
for (const zone of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(zone);

const series = byUid(root);

const cancelled = (component) => component.getFirstPropertyValue("status") === "CANCELLED";
const found = [];
for (const event of series.values()) {
  if (cancelled(event.component)) continue;
  const starts = event.iterator();
  // Overrides may move an occurrence past TO or before FROM: read a year beyond the window.
  const stop = to.clone();
  stop.year += 1;
  for (let next = starts.next(); next && next.compare(stop) < 0; next = starts.next()) {
    const occurrence = event.getOccurrenceDetails(next);
    const start = occurrence.startDate;
    if (cancelled(occurrence.item.component) || start.compare(from) < 0 || start.compare(to) >= 0) {
      continue;
    }
    const when = start.isDate ? start.toString() : start.toJSDate().toISOString();
    found.push(`${event.uid} ${when}`);
  }
}
console.log(found.sort().join("\n"));

// Each series with the VEVENTs that override its occurrences (same UID), as Thunderbird
// groups them. (ICAL.Event given no exceptions would take every RECURRENCE-ID of the
// calendar as its own, whatever its UID.)
function byUid(root) {
  const vevents = root.getAllSubcomponents("vevent");
  const series = new Map();
  for (const vevent of vevents) {
    if (vevent.hasProperty("recurrence-id")) continue;
    const uid = vevent.getFirstPropertyValue("uid");
    const exceptions = vevents.filter(
      (other) => other.hasProperty("recurrence-id") && other.getFirstPropertyValue("uid") === uid,
    );
    series.set(uid, new ICAL.Event(vevent, { strictExceptions: true, exceptions }));
  }
  return series;
}
