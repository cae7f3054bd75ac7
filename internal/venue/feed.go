package venue

import (
	"context"
	"fmt"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// Audit actions of a venue's calendar feed link (the token itself is
// never written to the audit log).
const (
	ActRotateFeed = "rotate_feed"
	ActRevokeFeed = "revoke_feed"
)

// RotateFeed gives the venue's calendar feed a new link (office): the old
// link stops answering at once; a revoked feed answers again, at the new
// link only.
func (s *Service) RotateFeed(ctx context.Context, a access.Actor, id int64) (Venue, error) {
	if err := s.changeFeed(ctx, a, id, ActRotateFeed, false); err != nil {
		return Venue{}, err
	}
	return s.Get(ctx, nil, id)
}

// RevokeFeed turns the venue's calendar feed off (office): its link
// answers no one until RotateFeed makes a new one.
func (s *Service) RevokeFeed(ctx context.Context, a access.Actor, id int64) error {
	return s.changeFeed(ctx, a, id, ActRevokeFeed, true)
}

// changeFeed replaces the feed token (a revoked feed's too, so the old
// link can never come back) and records who did it.
func (s *Service) changeFeed(ctx context.Context, a access.Actor, id int64, action string, revoked bool) error {
	tok, err := Token()
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		v, err := s.Get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !CanManage(a) {
			return errs.Refuse(!a.IsClient() || v.ClientBookable)
		}
		if _, err := tx.Exec(ctx, `UPDATE venues SET feed_token = ?, feed_revoked = ?, updated_at = ? WHERE id = ?`, tok, revoked, store.Ms(now), id); err != nil {
			return fmt.Errorf("%s of venue %d: %w", action, id, err)
		}
		tx.AfterCommit(s.cache.forget)
		return audit.Record(ctx, tx, now, a, AuditEntity, id, action, map[string]any{"feed_revoked": v.FeedRevoked}, map[string]any{"feed_revoked": revoked})
	})
}
