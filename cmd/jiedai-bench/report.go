package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"jiedai/internal/store"
)

// Report is everything one run measured.
type Report struct {
	Date       string     `json:"date"`
	Quick      bool       `json:"quick"`
	Machine    Machine    `json:"machine"`
	Database   string     `json:"database"`
	Dataset    *Meta      `json:"dataset"`
	Raw        RawInsert  `json:"raw_insert"`
	Startup    Startup    `json:"startup"`
	PeakRSSMB  float64    `json:"peak_rss_mb"`
	RSSMB      float64    `json:"rss_mb_at_end"`
	DBSizeMB   float64    `json:"database_mb"`
	Results    []Result   `json:"results"`
	Overall    []Target   `json:"overall_targets"`
	LoadBefore string     `json:"load_average_before"`
	LoadAfter  string     `json:"load_average_after"`
	Notes      []string   `json:"notes"`
	Settings   runOptions `json:"settings"`
}

// Machine describes where the run happened.
type Machine struct {
	Cores      int    `json:"cores"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	CPU        string `json:"cpu"`
	GoVersion  string `json:"go_version"`
	OS         string `json:"os"`
}

// Startup is the time from opening the database to the first page served.
type Startup struct {
	TotalMs       float64 `json:"total_ms"`
	OpenMigrateMs float64 `json:"open_migrate_ms"`
	FirstRequest  string  `json:"first_request"`
}

type runOptions struct {
	Duration string `json:"scenario_duration"`
	Warmup   string `json:"warmup"`
	Rounds   int    `json:"contended_rounds"`
}

func newReport(o *options, dsn string) *Report {
	db := "sqlite (" + dsn + ")"
	if store.IsPostgres(dsn) {
		db = "postgresql (schema " + o.schema + ")"
	}
	r := &Report{Date: time.Now().Format(time.RFC3339), Quick: o.quick, Database: db,
		Machine:  Machine{Cores: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), CPU: cpuModel(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH},
		Settings: runOptions{Duration: o.duration.String(), Warmup: o.warmup.String(), Rounds: o.rounds}}
	if o.note != "" {
		r.Notes = append(r.Notes, o.note)
	}
	return r
}

// finish adds the run-wide targets.
func (r *Report) finish(o *options) {
	r.Overall = append(r.Overall,
		Target{What: "start-up (open + migrate + first page)", Want: "≤ 2,000 ms", Got: r.Startup.TotalMs, Unit: "ms", Pass: r.Startup.TotalMs <= 2000},
		Target{What: "peak resident memory (VmHWM)", Want: "≤ 250 MB", Got: r.PeakRSSMB, Unit: "MB", Pass: r.PeakRSSMB <= 250})
	if o.quick {
		r.Notes = append(r.Notes, "quick smoke run: small dataset and short scenarios; the targets are meant for the full run")
	}
	r.Notes = append(r.Notes, fmt.Sprintf("load average before the scenarios %s, after %s (on %d cores)", r.LoadBefore, r.LoadAfter, r.Machine.Cores))
}

func (r *Report) baseName() string {
	kind := "sqlite"
	if strings.HasPrefix(r.Database, "postgres") {
		kind = "postgres"
	}
	name := time.Now().Format("2006-01-02") + "-" + kind
	if r.Quick {
		name += "-quick"
	}
	return name
}

// write saves the JSON report and the Markdown table, and the README's
// Performance section when asked.
func (r *Report) write(o *options, stdout io.Writer) error {
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	base := filepath.Join(o.out, r.baseName())
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(base+".json", append(data, '\n'), 0o644); err != nil {
		return err
	}
	md := r.markdown()
	if err := os.WriteFile(base+".md", []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote %s.json and %s.md\n", base, base)
	fmt.Fprint(stdout, "\n"+md)
	if o.readme != "" && !o.quick {
		kind := "sqlite"
		if strings.HasPrefix(r.Database, "postgres") {
			kind = "postgres"
		}
		if err := updateReadme(o.readme, kind, md); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Updated the Performance section of %s\n", o.readme)
	}
	return nil
}

func mark(pass bool) string {
	if pass {
		return "✅ pass"
	}
	return "❌ miss"
}

func fmtGot(t Target) string {
	switch t.Unit {
	case "/s":
		return commas(int64(t.Got+0.5)) + "/s"
	case "×":
		return fmt.Sprintf("%.2f×", t.Got)
	case "ms":
		return fmt.Sprintf("%.1f ms", t.Got)
	case "MB":
		return fmt.Sprintf("%.0f MB", t.Got)
	}
	return fmt.Sprintf("%s %s", num(t.Got), t.Unit)
}

// markdown renders the run as tables: every figure with its target.
func (r *Report) markdown() string {
	var b strings.Builder
	m := r.Dataset
	fmt.Fprintf(&b, "#### %s, %s\n\n", strings.Split(r.Database, " ")[0], r.Date[:10])
	fmt.Fprintf(&b, "Machine: %d cores (%s), %s, %s. Dataset: %s venues, %s bookings over %d years (%s to %s), %s users; %s rows in all, generated in %s (%s rows/s). Database size %.0f MB.\n\n",
		r.Machine.Cores, r.Machine.CPU, r.Machine.GoVersion, r.Machine.OS, commas(int64(m.Sizes.Venues)), commas(m.Rows["bookings"]), m.Sizes.Years, m.FirstDay, m.LastDay,
		commas(int64(m.Sizes.Users)), commas(sumRows(m.Rows)), (time.Duration(m.GenSeconds) * time.Second).Round(time.Second), commas(int64(m.GenRowsPerSec)), r.DBSizeMB)
	if len(m.Rows) > 0 {
		b.WriteString("Rows by table: " + rowCounts(m.Rows) + ".\n\n")
	}
	b.WriteString("| Scenario | Clients | Throughput | p50 | p95 | p99 | CPU per request | Target | Result |\n|---|---:|---:|---:|---:|---:|---:|---|---|\n")
	for _, x := range r.Results {
		thr := commas(int64(x.PerSecond+0.5)) + "/s"
		if x.Name == "contended" {
			thr = fmt.Sprintf("%s × 409", commas(int64(x.Status["409"])))
		}
		first := true
		row := func(target, result string) {
			if first {
				fmt.Fprintf(&b, "| %s | %d | %s | %.1f ms | %.1f ms | %.1f ms | %.2f ms | %s | %s |\n", x.Title, x.Clients, thr, x.P50ms, x.P95ms, x.P99ms, x.CPUms, target, result)
				first = false
				return
			}
			fmt.Fprintf(&b, "| | | | | | | | %s | %s |\n", target, result)
		}
		if len(x.Targets) == 0 {
			row("—", "")
		}
		for _, t := range x.Targets {
			row(fmt.Sprintf("%s %s", t.What, t.Want), fmt.Sprintf("%s %s", fmtGot(t), mark(t.Pass)))
		}
	}
	b.WriteString("\n| Figure | Value | Target | Result |\n|---|---:|---|---|\n")
	fmt.Fprintf(&b, "| Raw durable single-row insert transactions, %s, same disk | %s/s (%.2f ms each) | reference | |\n", r.Raw.Engine, commas(int64(r.Raw.PerSecond)), r.Raw.MeanMs)
	for _, x := range r.Results {
		if strings.HasPrefix(x.Name, "create-") {
			group := "" // group commit is SQLite's; PostgreSQL commits each transaction itself
			if x.GroupSize > 0 {
				group = fmt.Sprintf(" (%.1f transactions per commit)", x.GroupSize)
			}
			fmt.Fprintf(&b, "| Booking creation, %d clients, as a multiple of the raw rate | %.2f×%s | %s | %s |\n", x.Clients, x.Ratio, group,
				map[bool]string{true: "≥ 1.0×", false: "—"}[x.Clients == 64], map[bool]string{true: mark(x.Ratio >= 1), false: ""}[x.Clients == 64])
		}
	}
	for _, t := range r.Overall {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", t.What, fmtGot(t), t.Want, mark(t.Pass))
	}
	fmt.Fprintf(&b, "| Database size on disk | %.0f MB | | |\n", r.DBSizeMB)
	b.WriteString("\n")
	var notes []string
	notes = append(notes, r.Notes...)
	for _, x := range r.Results {
		for _, n := range x.Notes {
			notes = append(notes, x.Name+": "+n)
		}
		if x.FirstError != "" {
			notes = append(notes, fmt.Sprintf("%s: %d errors, first: %s", x.Name, x.Errors, x.FirstError))
		}
	}
	if len(m.NotGenerated) > 0 {
		notes = append(notes, "not generated: "+strings.Join(m.NotGenerated, "; "))
	}
	for _, n := range notes {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	return b.String()
}

// updateReadme replaces the run's block in the README's Performance
// section (between <!-- bench:KIND:begin --> and <!-- bench:KIND:end -->).
func updateReadme(path, kind, md string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(data)
	begin, end := "<!-- bench:"+kind+":begin -->", "<!-- bench:"+kind+":end -->"
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		return fmt.Errorf("%s has no %s … %s block", path, begin, end)
	}
	s = s[:i+len(begin)] + "\n" + md + s[j:]
	return os.WriteFile(path, []byte(s), 0o644)
}

// rowCounts lists the generated rows by table, largest first.
func rowCounts(rows map[string]int64) string {
	names := slices.Collect(maps.Keys(rows))
	slices.SortFunc(names, func(a, b string) int {
		if c := cmp.Compare(rows[b], rows[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + " " + commas(rows[n])
	}
	return strings.Join(parts, ", ")
}
