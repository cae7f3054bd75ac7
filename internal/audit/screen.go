package audit

import (
	"context"
	"fmt"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// A row's before and after carry the content of its record. Areas whose
// records have confidentiality levels register a Screen for their
// entities: a reader sees a row's content only when the screen clears
// them for the record, otherwise who, when and what action, with the
// content withheld. Engines whose records belong to another area's record
// (tasks, approval chains, attachments) register a Parent instead, and the
// parent's screen decides.

// Screen reports which of the records (ids of one entity) the reader is
// cleared to see. A record it does not know (deleted) should be left out
// unless the reader is cleared for every level.
type Screen func(ctx context.Context, q store.Querier, a access.Actor, ids []int64) (map[int64]bool, error)

// Ref names a record: its entity and id.
type Ref struct {
	Entity string
	ID     int64
}

// Parent maps records of an engine entity to the records they belong to
// (the zero Ref for one that belongs to none). The content of a record it
// cannot find (deleted) is withheld from all but those cleared for every
// level.
type Parent func(ctx context.Context, q store.Querier, ids []int64) (map[int64]Ref, error)

// Log reads the audit log through the screens the areas registered; the
// pages and the API read it only through here.
type Log struct {
	DB      store.Querier
	screens map[string]Screen
	parents map[string]Parent
}

// NewLog returns a log reader with no screens yet.
func NewLog(db store.Querier) *Log {
	return &Log{DB: db, screens: map[string]Screen{}, parents: map[string]Parent{}}
}

// Screen registers the screen of an entity.
func (l *Log) Screen(entity string, s Screen) { l.screens[entity] = s }

// Parent registers how records of an engine entity find their parent.
func (l *Log) Parent(entity string, p Parent) { l.parents[entity] = p }

// List returns the rows the actor may browse (List's filter and order),
// with the content withheld of every row whose record the actor is not
// cleared for.
func (l *Log) List(ctx context.Context, a access.Actor, f Filter) ([]Entry, error) {
	if !CanBrowse(a) {
		return nil, errs.Forbid()
	}
	rows, err := list(ctx, l.DB, f)
	if err != nil {
		return nil, err
	}
	if a.System {
		return rows, nil
	}
	// every row's record, or its parent's
	refs := make([]Ref, len(rows))
	lost := make([]bool, len(rows)) // a row of an engine record that is gone
	byEntity := map[string][]int64{}
	for i, e := range rows {
		refs[i] = Ref{e.Entity, e.EntityID}
		if _, ok := l.parents[e.Entity]; ok {
			byEntity[e.Entity] = append(byEntity[e.Entity], e.EntityID)
		}
	}
	for entity, ids := range byEntity {
		up, err := l.parents[entity](ctx, l.DB, uniq(ids))
		if err != nil {
			return nil, fmt.Errorf("find the records of %s audit rows: %w", entity, err)
		}
		for i, e := range rows {
			if e.Entity == entity {
				r, ok := up[e.EntityID]
				refs[i], lost[i] = r, !ok
			}
		}
	}
	screened := map[string][]int64{}
	for _, r := range refs {
		if _, ok := l.screens[r.Entity]; ok {
			screened[r.Entity] = append(screened[r.Entity], r.ID)
		}
	}
	cleared := map[Ref]bool{}
	for entity, ids := range screened {
		ok, err := l.screens[entity](ctx, l.DB, a, uniq(ids))
		if err != nil {
			return nil, fmt.Errorf("screen %s audit rows: %w", entity, err)
		}
		for id, v := range ok {
			cleared[Ref{entity, id}] = v
		}
	}
	all := a.Cleared(access.Secret)
	for i, r := range refs {
		_, screen := l.screens[r.Entity]
		if (screen && !cleared[r]) || (lost[i] && !all) {
			rows[i].Before, rows[i].After, rows[i].Withheld = "", "", true
		}
	}
	return rows, nil
}

func uniq(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// ParentsIn is the Parent of an engine whose table keeps each record's
// parent in columns entity and entity_id (tasks, approval_chains,
// attachments).
func ParentsIn(table string) Parent {
	return func(ctx context.Context, q store.Querier, ids []int64) (map[int64]Ref, error) {
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		rows, err := q.Query(ctx, `SELECT id, entity, entity_id FROM `+table+` WHERE id IN (`+store.Placeholders(len(ids))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("read parents in %s: %w", table, err)
		}
		defer rows.Close()
		out := map[int64]Ref{}
		for rows.Next() {
			var id int64
			var r Ref
			if err := rows.Scan(&id, &r.Entity, &r.ID); err != nil {
				return nil, fmt.Errorf("scan parent in %s: %w", table, err)
			}
			out[id] = r
		}
		return out, rows.Err()
	}
}
