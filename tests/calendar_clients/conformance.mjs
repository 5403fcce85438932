// Reads a JSON array of {name, ics, from, to} on stdin and prints one JSON object: for each
// name, what ical.js (Thunderbird's parser) reads in that calendar:
//   occurrences: "2025-07-03T08:00:00.000Z" (UTC) or "2025-07-03" (all-day) for each
//     occurrence in [from, to), moved ones at their new time, cancelled ones left out;
//   instants: for each VEVENT, its DTSTART and RECURRENCE-ID as ical.js reads them (UTC).
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const show = (time) => (time.isDate ? time.toString() : time.toJSDate().toISOString());
const cancelled = (component) => component.getFirstPropertyValue("status") === "CANCELLED";

function read(ics, fromText, toText) {
  const from = ICAL.Time.fromDateTimeString(fromText);
  const to = ICAL.Time.fromDateTimeString(toText);
  const root = new ICAL.Component(ICAL.parse(ics));
  // A zone is known by its VTIMEZONE in this calendar only (each calendar on its own).
  ICAL.TimezoneService.reset();
  for (const zone of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(zone);
  const instants = [];
  for (const vevent of root.getAllSubcomponents("vevent")) {
    const start = new ICAL.Event(vevent, { exceptions: [] }).startDate;
    const recurrence = vevent.getFirstPropertyValue("recurrence-id");
    instants.push(`${show(start)} ${recurrence ? show(recurrence) : "-"}`);
  }
  const series = byUid(root);
  const occurrences = [];
  for (const event of series.values()) {
    if (cancelled(event.component)) continue;
    const starts = event.iterator();
    const stop = to.clone();
    stop.year += 1; // a moved occurrence may lie past TO
    for (let next = starts.next(); next && next.compare(stop) < 0; next = starts.next()) {
      const occurrence = event.getOccurrenceDetails(next);
      const start = occurrence.startDate;
      if (cancelled(occurrence.item.component)) continue;
      if (start.compare(from) < 0 || start.compare(to) >= 0) continue;
      occurrences.push(show(start));
    }
  }
  return { occurrences: occurrences.sort(), instants: instants.sort() };
}

const result = {};
for (const { name, ics, from, to } of JSON.parse(readFileSync(0, "utf8"))) {
  result[name] = read(ics, from, to);
}
console.log(JSON.stringify(result));

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
