package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// pageCache keeps pages that are costly to build and read over and over by
// many screens (the day grid), each under the database's data version at
// the moment its data was read: the first commit anywhere, in this process
// or another, makes every entry stale. Entries are per user, language, URL
// and minute, so what one person sees is never shown to another and the
// "now" line moves. It works on SQLite only (see store.DataVersion); on
// PostgreSQL pages are always built afresh.
type pageCache struct {
	mu     sync.Mutex
	m      map[string]cachedPage
	max    int
	hits   atomic.Int64
	misses atomic.Int64
}

type cachedPage struct {
	version int64
	body    []byte
}

func newPageCache(max int) *pageCache {
	return &pageCache{m: map[string]cachedPage{}, max: max}
}

// pageKey names a page as one user sees it at one minute.
func (s *Server) pageKey(r *http.Request, p *Page) string {
	var b strings.Builder
	if p.User != nil {
		b.WriteString(strconv.FormatInt(p.User.ID, 10))
	}
	b.WriteString("|" + p.L.Lang + "|" + strconv.FormatInt(p.Now.Unix()/60, 10) + "|" + r.URL.Path + "?" + r.URL.RawQuery)
	return b.String()
}

// lookup returns the cached page for key if it was built at version.
func (c *pageCache) lookup(key string, version int64) []byte {
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && e.version == version {
		c.hits.Add(1)
		return e.body
	}
	c.misses.Add(1)
	return nil
}

// store keeps a page built from data read at version; when full, the
// whole cache is dropped (entries go stale within a minute anyway).
func (c *pageCache) store(key string, version int64, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[key] = cachedPage{version: version, body: body}
}

// PageCacheStats returns the page cache's hits and misses since start.
func (s *Server) PageCacheStats() (hits, misses int64) {
	return s.cache.hits.Load(), s.cache.misses.Load()
}

// cachedRender answers from the cache when the page was built at the
// current data version, and otherwise builds it with build (which reads
// its data only after the version was taken, so a commit in between makes
// the entry stale rather than wrong) and keeps it. Pages with a flash
// message or an error are not kept.
func (s *Server) cachedRender(w http.ResponseWriter, r *http.Request, p *Page, name string, build func() bool) {
	version, ok, err := s.app.DB.DataVersion(r.Context())
	if err != nil {
		s.log.Warn("page cache", "err", err)
	}
	key := ""
	if ok && p.Flash == "" {
		key = s.pageKey(r, p)
		if body := s.cache.lookup(key, version); body != nil {
			writeHTML(w, http.StatusOK, body)
			return
		}
	}
	if !build() {
		return
	}
	buf, ok := s.renderBuf(w, r, name, p)
	if !ok {
		return
	}
	defer s.putBuf(buf)
	if key != "" {
		s.cache.store(key, version, bytes.Clone(buf.Bytes()))
	}
	writeHTML(w, http.StatusOK, buf.Bytes())
}
