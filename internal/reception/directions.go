package reception

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"jiedai/internal/settings"
)

// Directions is how an invited guest finds the visit: the site's address,
// map link and parking (site settings), and whom to call: the host (the
// applicant) or, without a phone on file, the liaison, else the desk.
type Directions struct {
	Address   string `json:"address,omitempty"`
	MapURL    string `json:"map_url,omitempty"`
	Parking   string `json:"parking,omitempty"`
	Host      string `json:"host,omitempty" doc:"The person to call, empty when only the desk's phone is given"`
	HostPhone string `json:"host_phone,omitempty"`
}

// directions are the directions of case r.
func (s *Service) directions(ctx context.Context, r Reception) (Directions, error) {
	set, err := settings.GetDirections(ctx, s.DB)
	if err != nil {
		return Directions{}, err
	}
	d := Directions{Address: set.Address, MapURL: set.MapURL, Parking: set.Parking}
	for _, id := range []int64{r.ApplicantID, r.LiaisonID} {
		if id == 0 {
			continue
		}
		var name, phone string
		err := s.DB.QueryRow(ctx, `SELECT CASE WHEN display_name <> '' THEN display_name ELSE username END, phone FROM users WHERE id = ? AND active = TRUE`, id).Scan(&name, &phone)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return Directions{}, fmt.Errorf("host of case %d: %w", r.ID, err)
		}
		if phone != "" {
			d.Host, d.HostPhone = name, phone
			return d, nil
		}
	}
	d.HostPhone = set.Phone
	return d, nil
}
