// gen.mjs writes ../holidays.json from the MIT-licensed npm package
// chinese-days. Install the package outside the repository, then run:
//
//	mkdir -p /tmp/cdays && cd /tmp/cdays && npm install chinese-days
//	node internal/workday/gen/gen.mjs /tmp/cdays/node_modules/chinese-days
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIRST_YEAR = 2004;
const LAST_YEAR = 2026;

const pkgDir = process.argv[2];
if (!pkgDir) {
  console.error('usage: node gen.mjs PATH/TO/node_modules/chinese-days');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
if (pkg.name !== 'chinese-days') throw new Error(`${pkgDir} is ${pkg.name}, not chinese-days`);
const src = JSON.parse(readFileSync(join(pkgDir, 'dist', 'chinese-days.json'), 'utf8'));

// Values look like "Spring Festival,春节,4": English name, Chinese name,
// statutory number of days.
function chineseName(date, value) {
  const parts = value.split(',');
  if (parts.length !== 3 || !/\p{Script=Han}/u.test(parts[1])) {
    throw new Error(`${date}: unexpected value ${JSON.stringify(value)}`);
  }
  return parts[1];
}

// weekday returns 0 (Sunday) to 6 (Saturday) after checking the date.
function weekday(date) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`bad date ${JSON.stringify(date)}`);
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  if (d.toISOString().slice(0, 10) !== date) throw new Error(`invalid date ${date}`);
  return d.getUTCDay();
}

function convert(table, suffix, check) {
  const out = {};
  for (const date of Object.keys(table).sort()) {
    const year = +date.slice(0, 4);
    if (year < FIRST_YEAR || year > LAST_YEAR) continue;
    check(date, weekday(date));
    out[date] = chineseName(date, table[date]) + suffix;
  }
  return out;
}

const holidays = convert(src.holidays, '', () => {});
const workdays = convert(src.workdays, '调休', (date, wd) => {
  if (wd !== 0 && wd !== 6) throw new Error(`make-up workday ${date} is not a weekend day`);
  if (date in holidays) throw new Error(`${date} is both holiday and make-up workday`);
});
for (let y = FIRST_YEAR; y <= LAST_YEAR; y++) {
  if (!Object.keys(holidays).some((d) => d.startsWith(`${y}-`))) {
    throw new Error(`no holidays for ${y}`);
  }
}

const out = { source: `${pkg.name}@${pkg.version}`, holidays, workdays };
const file = fileURLToPath(new URL('../holidays.json', import.meta.url));
writeFileSync(file, JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${file}: ${Object.keys(holidays).length} holidays, ${Object.keys(workdays).length} make-up workdays`);
