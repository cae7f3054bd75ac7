package caldav

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jiedai/internal/store"
)

// A sync token is this prefix and the id of a state (RFC 6578 wants a URI).
const syncTokenPrefix = "http://jiedai.invalid/ns/sync/"

// States unused this long are pruned; a state's use is written at most
// once per touchEvery.
const (
	stateKeep  = 90 * 24 * time.Hour
	touchEvery = 24 * time.Hour
)

// errBadToken: the sync token is not one of this reader's calendar (or
// was pruned); the client must sync afresh.
var errBadToken = errors.New("caldav: unknown sync token")

// syncToken is the token of state id.
func syncToken(id int64) string { return syncTokenPrefix + strconv.FormatInt(id, 10) }

// digest identifies a set of objects by their names and ETags.
func digest(objs []object) string {
	h := sha256.New()
	for _, o := range objs {
		fmt.Fprintf(h, "%s %s\n", o.name, o.etag)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// state returns the id of the state of the reader's calendar that objs
// are, recording it the first time it is seen (and pruning the calendar's
// long-unused states then).
func (s *Service) state(ctx context.Context, uid int64, cal string, objs []object) (int64, error) {
	d := digest(objs)
	now := s.Clock.Now()
	const find = `SELECT id, used_at FROM caldav_states WHERE user_id = ? AND calendar = ? AND digest = ?`
	var id, used int64
	err := s.DB.QueryRow(ctx, find, uid, cal, d).Scan(&id, &used)
	if err == nil {
		if now.Sub(store.Time(used)) > touchEvery {
			if _, err := s.DB.Exec(ctx, `UPDATE caldav_states SET used_at = ? WHERE id = ?`, store.Ms(now), id); err != nil {
				return 0, fmt.Errorf("caldav: touch state %d: %w", id, err)
			}
		}
		return id, nil
	}
	if !store.IsNoRows(err) {
		return 0, fmt.Errorf("caldav: find state of %s: %w", cal, err)
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		old := store.Ms(now.Add(-stateKeep))
		if _, err := tx.Exec(ctx, `DELETE FROM caldav_state_items WHERE state_id IN (SELECT id FROM caldav_states WHERE user_id = ? AND calendar = ? AND used_at < ?)`, uid, cal, old); err != nil {
			return fmt.Errorf("caldav: prune items of %s: %w", cal, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM caldav_states WHERE user_id = ? AND calendar = ? AND used_at < ?`, uid, cal, old); err != nil {
			return fmt.Errorf("caldav: prune states of %s: %w", cal, err)
		}
		res, err := tx.Exec(ctx, `INSERT INTO caldav_states (user_id, calendar, digest, created_at, used_at) VALUES (?, ?, ?, ?, ?)
 ON CONFLICT (user_id, calendar, digest) DO NOTHING`, uid, cal, d, store.Ms(now), store.Ms(now))
		if err != nil {
			return fmt.Errorf("caldav: record state of %s: %w", cal, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("caldav: record state of %s: %w", cal, err)
		}
		if err := tx.QueryRow(ctx, find, uid, cal, d).Scan(&id, &used); err != nil {
			return fmt.Errorf("caldav: read state of %s: %w", cal, err)
		}
		if n == 0 {
			return nil // another instance recorded it (with its items) first
		}
		return insertItems(ctx, tx, id, objs)
	})
	return id, err
}

// insertItems writes the objects of state id, a hundred rows a statement.
func insertItems(ctx context.Context, tx *store.Tx, id int64, objs []object) error {
	for start := 0; start < len(objs); start += 100 {
		part := objs[start:min(start+100, len(objs))]
		args := make([]any, 0, 3*len(part))
		for _, o := range part {
			args = append(args, id, o.name, o.etag)
		}
		q := `INSERT INTO caldav_state_items (state_id, name, etag) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(part)), ", ")
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("caldav: record items of state %d: %w", id, err)
		}
	}
	return nil
}

// stateItems returns the ETags by object name of the state that token
// names, which must be of the reader's calendar cal; errBadToken if not.
func (s *Service) stateItems(ctx context.Context, uid int64, cal, token string) (map[string]string, error) {
	idText, ok := strings.CutPrefix(token, syncTokenPrefix)
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return nil, errBadToken
	}
	var one int
	err = s.DB.QueryRow(ctx, `SELECT 1 FROM caldav_states WHERE id = ? AND user_id = ? AND calendar = ?`, id, uid, cal).Scan(&one)
	if store.IsNoRows(err) {
		return nil, errBadToken
	}
	if err != nil {
		return nil, fmt.Errorf("caldav: read state %d: %w", id, err)
	}
	rows, err := s.DB.Query(ctx, `SELECT name, etag FROM caldav_state_items WHERE state_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("caldav: read items of state %d: %w", id, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, etag string
		if err := rows.Scan(&name, &etag); err != nil {
			return nil, fmt.Errorf("caldav: read items of state %d: %w", id, err)
		}
		out[name] = etag
	}
	return out, rows.Err()
}
