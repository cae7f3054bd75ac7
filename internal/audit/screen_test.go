package audit_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestLogScreensClassifiedRows checks the engine's part of the audit
// filter with a stand-in area ("dossier", whose record 2 the auditor may
// not read): rows of a screened record keep who, when and what action and
// lose their content; rows of an engine record (a task) follow the record
// it belongs to, and one whose record is gone is withheld from all but
// those cleared for every level; other rows are untouched. Only those
// cleared for every level may read the log around the screens.
func TestLogScreensClassifiedRows(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 4, 6, 2, 0, 0, 0, time.UTC)
		clerk := access.Actor{Username: "clerk"}
		task := func(entity string, id int64) int64 {
			t.Helper()
			tid, err := store.InsertID(ctx, db, `INSERT INTO tasks (entity, entity_id, title, status, created_at, updated_at) VALUES (?, ?, ?, 'open', 0, 0)`, entity, id, "#")
			if err != nil {
				t.Fatal(err)
			}
			return tid
		}
		openTask, secretTask, plainTask := task("dossier", 1), task("dossier", 2), task("", 0)
		rows := []struct {
			entity string
			id     int64
		}{{"dossier", 1}, {"dossier", 2}, {"task", openTask}, {"task", secretTask}, {"task", plainTask}, {"task", 999}, {"venue", 5}}
		for _, r := range rows {
			if err := audit.Record(ctx, db, now, clerk, r.entity, r.id, "update", nil, map[string]any{"title": "青松计划"}); err != nil {
				t.Fatal(err)
			}
		}
		var asked [][]int64
		l := audit.NewLog(db)
		l.Parent("task", audit.ParentsIn("tasks"))
		l.Screen("dossier", func(_ context.Context, _ store.Querier, a access.Actor, ids []int64) (map[int64]bool, error) {
			asked = append(asked, ids)
			out := map[int64]bool{}
			for _, id := range ids {
				out[id] = id == 1 || a.Cleared(access.Secret)
			}
			return out, nil
		})
		auditor := access.Actor{UserID: 9, Username: "auditor", Roles: []string{access.Audit}}
		got, err := l.List(ctx, auditor, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		withheld := map[string]bool{}
		for _, e := range got {
			key := fmt.Sprintf("%s/%d", e.Entity, e.EntityID)
			if e.Entity == "task" {
				key = map[int64]string{openTask: "task/open", secretTask: "task/secret", plainTask: "task/plain", 999: "task/gone"}[e.EntityID]
			}
			if e.Withheld != (e.After == "") || e.ActorName != "clerk" || e.Action != "update" || e.At.IsZero() {
				t.Errorf("%s: %+v", key, e)
			}
			withheld[key] = e.Withheld
		}
		want := map[string]bool{"dossier/1": false, "dossier/2": true, "task/open": false, "task/secret": true, "task/plain": false, "task/gone": true, "venue/5": false}
		for k, w := range want {
			if withheld[k] != w {
				t.Errorf("%s withheld = %v, want %v (all: %v)", k, withheld[k], w, withheld)
			}
		}
		if len(asked) != 1 || len(asked[0]) != 2 {
			t.Errorf("screen asked %v, want the two dossiers once", asked)
		}
		exec := access.Actor{UserID: 8, Username: "exec", Roles: []string{access.Executive}}
		for _, a := range []access.Actor{exec, access.SystemActor()} {
			got, err := l.List(ctx, a, audit.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range got {
				if e.Withheld || e.After == "" {
					t.Errorf("%s: withheld from %s", e.Entity, a.Username)
				}
			}
		}
		// around the screens: only those cleared for every level
		if _, err := audit.List(ctx, db, auditor, audit.Filter{}); errs.As(err).Kind != errs.Forbidden {
			t.Errorf("auditor read the unscreened log: %v", err)
		}
		if _, err := l.List(ctx, access.Actor{UserID: 7, Roles: []string{access.Staff}}, audit.Filter{}); errs.As(err).Kind != errs.Forbidden {
			t.Errorf("staff browsed the log: %v", err)
		}
	})
}
