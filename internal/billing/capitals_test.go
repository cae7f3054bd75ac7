package billing

import "testing"

func TestCapitals(t *testing.T) {
	for fen, want := range map[int64]string{
		0:           "零元整",
		5:           "零元零伍分",
		50:          "零元伍角整",
		123450:      "壹仟贰佰叁拾肆元伍角整",
		100000:      "壹仟元整",
		100100:      "壹仟零壹元整",
		10000000:    "壹拾万元整",
		10050000:    "壹拾万零伍佰元整",
		180000:      "壹仟捌佰元整",
		1000000001:  "壹仟万元零壹分",
		12345678912: "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分",
	} {
		if got := Capitals(fen); got != want {
			t.Errorf("Capitals(%d) = %s, want %s", fen, got, want)
		}
	}
}
