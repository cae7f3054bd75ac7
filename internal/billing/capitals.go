package billing

import "strings"

// Capitals writes an amount of fen in Chinese financial capitals (大写), as
// receipts print it: 1234.50 → 壹仟贰佰叁拾肆元伍角整, 0.05 → 零元伍分.
func Capitals(fen int64) string {
	if fen < 0 {
		return "负" + Capitals(-fen)
	}
	digits := []rune("零壹贰叁肆伍陆柒捌玖")
	units := []string{"", "拾", "佰", "仟"}
	groups := []string{"", "万", "亿", "万亿"}
	yuan, jiao, fenPart := fen/100, (fen/10)%10, fen%10
	var b strings.Builder
	if yuan == 0 {
		b.WriteString("零")
	} else {
		var parts []string
		for g := 0; yuan > 0; g++ {
			n := yuan % 10000
			yuan /= 10000
			if n == 0 {
				parts = append(parts, "")
				continue
			}
			var s strings.Builder
			zero := false
			for i := 3; i >= 0; i-- {
				d := (n / pow10(i)) % 10
				if d == 0 {
					zero = s.Len() > 0
					continue
				}
				if zero {
					s.WriteRune('零')
					zero = false
				}
				s.WriteRune(digits[d])
				s.WriteString(units[i])
			}
			str := s.String()
			if n < 1000 && yuan > 0 {
				str = "零" + str
			}
			parts = append(parts, str+groups[min(g, len(groups)-1)])
		}
		for i := len(parts) - 1; i >= 0; i-- {
			b.WriteString(parts[i])
		}
	}
	out := strings.ReplaceAll(b.String(), "零零", "零")
	out += "元"
	switch {
	case jiao == 0 && fenPart == 0:
		out += "整"
	case fenPart == 0:
		out += string(digits[jiao]) + "角整"
	case jiao == 0:
		out += "零" + string(digits[fenPart]) + "分"
	default:
		out += string(digits[jiao]) + "角" + string(digits[fenPart]) + "分"
	}
	return out
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}
