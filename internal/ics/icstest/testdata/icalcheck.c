/* icalcheck: parse each iCalendar file named on the command line with
 * libical and apply its RFC 5546 (iTIP) restriction check; print every
 * error libical records (X-LIC-ERROR) and exit 1 if there is any. */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>

static char *slurp(const char *path) {
	FILE *f = fopen(path, "rb");
	if (!f) { perror(path); return NULL; }
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc(n + 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n) { fclose(f); free(buf); return NULL; }
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* report prints the X-LIC-ERROR properties of c and its children. */
static int report(const char *path, icalcomponent *c) {
	int n = 0;
	for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
		printf("%s: %s: %s\n", path, icalcomponent_kind_to_string(icalcomponent_isa(c)), icalproperty_get_xlicerror(p));
		n++;
	}
	for (icalcomponent *k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
	     k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		n += report(path, k);
	return n;
}

int main(int argc, char **argv) {
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		char *text = slurp(argv[i]);
		if (!text) { bad++; continue; }
		icalcomponent *c = icalparser_parse_string(text);
		free(text);
		if (!c || icalcomponent_isa(c) != ICAL_VCALENDAR_COMPONENT) {
			printf("%s: not a VCALENDAR\n", argv[i]);
			bad++;
			continue;
		}
		icalrestriction_check(c);
		int n = report(argv[i], c);
		if (n == 0) printf("%s: ok\n", argv[i]); else bad++;
		icalcomponent_free(c);
	}
	return bad ? 1 : 0;
}
