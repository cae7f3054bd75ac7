package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// burstPeakTarget is the most resident memory a burst of bad log-ins may
// take the process to.
const burstPeakTarget = 300

// loginBurst sends bad log-ins (unknown user names, wrong passwords) from
// clients in parallel, each request from an address of its own (through
// the trusted proxy header, as from a botnet, so the per-address throttle
// does not stop them first), and samples the process's resident memory
// meanwhile. The limit on password hashes running at once keeps the peak
// bounded: the rest are refused at once with 429.
func (w *world) loginBurst(clients int) Result {
	client := newHTTPClient(clients)
	_, before := procMemory()
	var peak atomic.Int64 // MB × 1000
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			if _, now := procMemory(); int64(now*1000) > peak.Load() {
				peak.Store(int64(now * 1000))
			}
		}
	}()
	var n atomic.Int64
	fn := func(ctx context.Context, c int) (int, bool, error) {
		i := n.Add(1)
		form := url.Values{"username": {fmt.Sprintf("nobody-%d", i)}, "password": {"wrong-password-" + fmt.Sprint(c)}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.d.base+"/login", strings.NewReader(form.Encode()))
		if err != nil {
			return 0, false, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		resp, err := client.Do(req)
		if err != nil {
			return 0, false, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		st := resp.StatusCode
		return st, st == http.StatusUnauthorized || st == http.StatusTooManyRequests, err
	}
	r := w.d.run(context.Background(), "loginburst", fmt.Sprintf("Burst of bad log-ins: %d in parallel, each from its own address", clients), clients, fn)
	close(stop)
	wg.Wait()
	client.CloseIdleConnections()
	r.PeakRSSMB = float64(peak.Load()) / 1000
	r.Notes = append(r.Notes, fmt.Sprintf("resident memory %.0f MB before the burst, peak %.0f MB during it (sampled every 5 ms); %d log-ins checked (401), %d refused at once (429); %d password hashes at once",
		before, r.PeakRSSMB, r.Status["401"], r.Status["429"], w.loginHashes))
	r.atMost("peak resident memory", burstPeakTarget, r.PeakRSSMB, "MB")
	fmt.Fprintf(w.d.log, "  %-14s peak RSS %.0f MB (before %.0f MB), 401 × %d, 429 × %d\n", "", r.PeakRSSMB, before, r.Status["401"], r.Status["429"])
	return r
}
