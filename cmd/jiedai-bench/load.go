package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"syscall"
	"time"
)

// Result is one measured scenario.
type Result struct {
	Name       string         `json:"name"`
	Title      string         `json:"title"`
	Clients    int            `json:"clients"`
	Seconds    float64        `json:"seconds"`
	Requests   int            `json:"requests"`
	Errors     int            `json:"errors"`
	PerSecond  float64        `json:"per_second"`
	P50ms      float64        `json:"p50_ms"`
	P95ms      float64        `json:"p95_ms"`
	P99ms      float64        `json:"p99_ms"`
	MaxMs      float64        `json:"max_ms"`
	Status     map[string]int `json:"status"`
	Notes      []string       `json:"notes,omitempty"`
	Targets    []Target       `json:"targets,omitempty"`
	GroupSize  float64        `json:"commit_group_size,omitempty"`
	Ratio      float64        `json:"ratio_to_raw_insert,omitempty"`
	FirstError string         `json:"first_error,omitempty"`
	PeakRSSMB  float64        `json:"peak_rss_mb,omitempty"` // resident memory at its highest during the scenario
	// CPUms is the CPU time the whole process (server and clients) spent
	// per request: what a request costs, whatever else runs on the machine.
	CPUms float64 `json:"cpu_ms_per_request"`
	// CPUShare is the share of the machine's cores the process had.
	CPUShare float64 `json:"cpu_share"`
}

// Target is one goal of a scenario and whether it was met.
type Target struct {
	What string  `json:"what"`
	Want string  `json:"want"`
	Got  float64 `json:"got"`
	Unit string  `json:"unit"`
	Pass bool    `json:"pass"`
}

// sample is one request's outcome.
type sample struct {
	d      time.Duration
	status int
	err    error
}

// requestFn sends one request for client c and reports its outcome; ok
// says whether it counts as a success.
type requestFn func(ctx context.Context, c int) (status int, ok bool, err error)

// driver runs closed-loop clients against the server.
type driver struct {
	http     *http.Client
	base     string
	warmup   time.Duration
	duration time.Duration
	profile  string // directory for CPU profiles, or ""
	log      io.Writer
}

func newHTTPClient(conns int) *http.Client {
	tr := &http.Transport{MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, MaxConnsPerHost: 0, IdleConnTimeout: time.Minute,
		DisableCompression: true}
	return &http.Client{Transport: tr, Timeout: 60 * time.Second}
}

// run drives clients for the warm-up and then the measured duration, each
// sending its next request when the previous one is answered.
func (d *driver) run(ctx context.Context, name, title string, clients int, fn requestFn) Result {
	fmt.Fprintf(d.log, "  %-14s %3d clients … ", name, clients)
	if d.warmup > 0 {
		d.loop(ctx, clients, d.warmup, fn)
	}
	stopProfile := d.startProfile(name)
	cpu0 := cpuTime()
	start := time.Now()
	samples := d.loop(ctx, clients, d.duration, fn)
	el := time.Since(start)
	cpu := cpuTime() - cpu0
	stopProfile()
	r := summarize(name, title, clients, el, samples)
	r.setCPU(cpu, el)
	fmt.Fprintf(d.log, "%8.0f/s  p50 %6.2f  p95 %6.2f  p99 %6.2f ms  errors %d  cpu %.2f ms/req (%.0f%% of the cores)\n", r.PerSecond, r.P50ms, r.P95ms, r.P99ms, r.Errors, r.CPUms, 100*r.CPUShare)
	return r
}

func (r *Result) setCPU(cpu, el time.Duration) {
	if r.Requests > 0 {
		r.CPUms = float64(cpu.Microseconds()) / 1000 / float64(r.Requests)
	}
	r.CPUShare = cpu.Seconds() / el.Seconds() / float64(runtime.NumCPU())
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (d *driver) startProfile(name string) func() {
	if d.profile == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(d.profile, name+".cpu.pprof"))
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

// loop runs the clients until dur is over; requests under way at the end
// finish (and count), none is cut off.
func (d *driver) loop(ctx context.Context, clients int, dur time.Duration, fn requestFn) [][]sample {
	end := time.Now().Add(dur)
	out := make([][]sample, clients)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			list := make([]sample, 0, min(4096, 1<<18/clients)) // a burst of many clients keeps its samples small
			for ctx.Err() == nil && time.Now().Before(end) {
				t0 := time.Now()
				st, ok, err := fn(ctx, c)
				if !ok && err == nil {
					err = fmt.Errorf("unexpected status %d", st)
				}
				list = append(list, sample{d: time.Since(t0), status: st, err: err})
			}
			out[c] = list
		}()
	}
	wg.Wait()
	return out
}

func summarize(name, title string, clients int, el time.Duration, per [][]sample) Result {
	r := Result{Name: name, Title: title, Clients: clients, Seconds: el.Seconds(), Status: map[string]int{}}
	var ds []time.Duration
	for _, list := range per {
		for _, s := range list {
			r.Requests++
			r.Status[fmt.Sprint(s.status)]++
			if s.err != nil {
				r.Errors++
				if r.FirstError == "" {
					r.FirstError = s.err.Error()
				}
			}
			ds = append(ds, s.d)
		}
	}
	r.PerSecond = float64(r.Requests-r.Errors) / el.Seconds()
	setPercentiles(&r, ds)
	return r
}

func setPercentiles(r *Result, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	pct := func(p float64) float64 {
		i := int(p*float64(len(ds))+0.5) - 1
		i = min(max(i, 0), len(ds)-1)
		return float64(ds[i].Microseconds()) / 1000
	}
	r.P50ms, r.P95ms, r.P99ms = pct(0.50), pct(0.95), pct(0.99)
	r.MaxMs = float64(ds[len(ds)-1].Microseconds()) / 1000
}

// atLeast and atMost record targets.
func (r *Result) atLeast(what string, want, got float64, unit string) {
	r.Targets = append(r.Targets, Target{What: what, Want: fmt.Sprintf("≥ %s", num(want)), Got: got, Unit: unit, Pass: got >= want})
}

func (r *Result) atMost(what string, want, got float64, unit string) {
	r.Targets = append(r.Targets, Target{What: what, Want: fmt.Sprintf("≤ %s", num(want)), Got: got, Unit: unit, Pass: got <= want})
}

func num(v float64) string {
	switch {
	case v >= 100:
		return commas(int64(v + 0.5))
	case v == float64(int64(v)):
		return fmt.Sprint(int64(v))
	}
	return fmt.Sprintf("%.2f", v)
}
