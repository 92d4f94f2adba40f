package label

import (
	"medibooth/assets"
	"medibooth/booth"
)

// ShippedFonts are the fonts medibooth ships (Pretendard): Hangul, Cyrillic
// with every Kazakh letter, and Latin in one typeface.
var ShippedFonts = Fonts{Regular: assets.FontRegular, Bold: assets.FontBold}

// ForVisitor is the badge of a visitor: the type in the visitor's language
// and in English, so staff of every booth can read it, and the visitor's
// short number under the QR for typing when a badge is damaged.
func ForVisitor(v *booth.Visitor, ev *booth.Event, code string) Badge {
	key := assets.VisitorTypeKey(v.Type)
	typ := assets.Translate("en", key)
	if v.Lang != "en" {
		if t := assets.Translate(v.Lang, key); t != typ {
			typ = t + " · " + typ
		}
	}
	return Badge{Name: v.Name, Latin: v.NameLatin, Type: typ, Event: ev.Name, Code: code, Number: booth.FormatCode(v.Code)}
}
