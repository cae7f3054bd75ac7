package reception

import (
	"context"
	"fmt"
	"strings"

	"jiedai/internal/client"
	"jiedai/internal/store"
	"jiedai/internal/workday"
)

// History is the client register's history source: the organisation's
// receptions (or those where the contact was a guest).
func (s *Service) History(ctx context.Context, q store.Querier, orgID, contactID int64) ([]client.HistoryItem, error) {
	return s.history(ctx, q, orgID, contactID, []string{StatusDraft})
}

// ClientHistory is the history source for the organisation's client
// users: the cases they may see (not rejected or cancelled ones).
func (s *Service) ClientHistory(ctx context.Context, q store.Querier, orgID, contactID int64) ([]client.HistoryItem, error) {
	return s.history(ctx, q, orgID, contactID, hiddenFromClients)
}

func (s *Service) history(ctx context.Context, q store.Querier, orgID, contactID int64, hidden []string) ([]client.HistoryItem, error) {
	query := `SELECT id, code, purpose, visit_date, status, created_at FROM receptions WHERE org_id = ? AND status NOT IN (?` + strings.Repeat(", ?", len(hidden)-1) + `)`
	args := []any{orgID}
	for _, h := range hidden {
		args = append(args, h)
	}
	if contactID != 0 {
		query += ` AND id IN (SELECT reception_id FROM reception_guests WHERE contact_id = ?)`
		args = append(args, contactID)
	}
	rows, err := q.Query(ctx, query+` ORDER BY visit_date DESC, id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, fmt.Errorf("reception history of org %d: %w", orgID, err)
	}
	defer rows.Close()
	var out []client.HistoryItem
	for rows.Next() {
		var id, created int64
		var code, purpose, visit, status string
		if err := rows.Scan(&id, &code, &purpose, &visit, &status, &created); err != nil {
			return nil, fmt.Errorf("scan reception history: %w", err)
		}
		at := store.Time(created)
		if t, err := workday.ParseDateIn(visit, s.Loc); err == nil {
			at = t
		}
		out = append(out, client.HistoryItem{Kind: Entity, ID: id, Title: code + " " + purpose, At: at, StatusKey: "reception.status." + status, Link: Link(id)})
	}
	return out, rows.Err()
}
