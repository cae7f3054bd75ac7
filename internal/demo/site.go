package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"

	"jiedai/internal/settings"
	"jiedai/internal/store"
)

// loadSite fills in the issuer of client documents (with a seal image),
// the directions invited guests get, and the phones of the people guests
// call.
func loadSite(ctx context.Context, d *loader) error {
	admin, err := d.actor(ctx, "admin")
	if err != nil {
		return err
	}
	seal, err := sealPNG()
	if err != nil {
		return err
	}
	at, err := d.app.Files.Add(ctx, admin, "site", 2, "seal.png", seal) // site image 2: the seal (web.siteSealImage)
	if err != nil {
		return fmt.Errorf("seal image: %w", err)
	}
	err = d.app.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := settings.SaveIssuer(ctx, tx, d.now, admin, settings.Issuer{Name: "北京华远商务中心有限公司", NameEn: "Beijing Huayuan Business Centre Co., Ltd.",
			Address: "北京市朝阳区建国路88号华远大厦3层", Phone: "010-6588 8800", Bank: "中国工商银行北京建国路支行", Account: "0200 0412 0910 0123 456", SealID: at.ID}); err != nil {
			return err
		}
		_, err := settings.SaveDirections(ctx, tx, d.now, admin, settings.Directions{Address: "北京市朝阳区建国路88号华远大厦（地铁1号线国贸站C口步行5分钟）",
			MapURL: "https://uri.amap.com/marker?position=116.4614,39.9087&name=华远大厦", Parking: "地下二层访客车位，凭邀请码在前台登记后免费停车3小时。", Phone: "010-6588 8801"})
		return err
	})
	if err != nil {
		return err
	}
	for user, phone := range map[string]string{"staff": "138 1001 2001", "manager": "139 1002 3002", "receptionist": "137 1003 4003", "supervisor": "136 1004 5004", "office": "010-6588 8802"} {
		if _, err := d.app.DB.Exec(ctx, `UPDATE users SET phone = ? WHERE username = ?`, phone, user); err != nil {
			return fmt.Errorf("phone of %s: %w", user, err)
		}
	}
	return nil
}

// sealPNG draws a round red company seal: a ring and a star.
func sealPNG() ([]byte, error) {
	const n = 160
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	red := color.NRGBA{R: 200, G: 30, B: 30, A: 220}
	c := float64(n) / 2
	star := starPolygon(c, c, 30, 12)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			dx, dy := float64(x)-c+.5, float64(y)-c+.5
			r := math.Hypot(dx, dy)
			if (r <= 76 && r >= 68) || (r <= 60 && r >= 58) || inPolygon(float64(x)+.5, float64(y)+.5, star) {
				img.Set(x, y, red)
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("draw seal: %w", err)
	}
	return b.Bytes(), nil
}

// starPolygon is a five-pointed star centred at (cx, cy).
func starPolygon(cx, cy, outer, inner float64) [][2]float64 {
	var p [][2]float64
	for i := 0; i < 10; i++ {
		r := outer
		if i%2 == 1 {
			r = inner
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		p = append(p, [2]float64{cx + r*math.Cos(a), cy + r*math.Sin(a)})
	}
	return p
}

// inPolygon reports whether (x, y) lies inside p (even-odd rule).
func inPolygon(x, y float64, p [][2]float64) bool {
	in := false
	for i, j := 0, len(p)-1; i < len(p); j, i = i, i+1 {
		if (p[i][1] > y) != (p[j][1] > y) && x < (p[j][0]-p[i][0])*(y-p[i][1])/(p[j][1]-p[i][1])+p[i][0] {
			in = !in
		}
	}
	return in
}
