package booth

import (
	"strings"
	"testing"
	"time"
)

// Consents given at pre-registration come in a column per purpose holding
// the day (or time) given, with the texts' version in a column of its own;
// a row without them stays without consent.
func TestImportConsentColumns(t *testing.T) {
	csv := "ФИО,Телефон,Согласие на связь,Consent health,Consent transfer,Версия согласия\n" +
		"Айгерим Сапарова,+77011234567,2026-08-24,2026-08-24 10:30,нет,2026-1\n" +
		"Данияр Ахметов,+77011234568,,,,\n"
	vs, err := ParseVisitorsCSV(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || len(vs[1].Consents) != 0 {
		t.Fatalf("visitors %d, second with %d consents", len(vs), len(vs[1].Consents))
	}
	cs := vs[0].Consents
	if len(cs) != 2 || cs[0].Purpose != PurposeContact || cs[1].Purpose != PurposeHealth ||
		!cs[1].At.Equal(time.Date(2026, 8, 24, 10, 30, 0, 0, time.UTC)) || cs[0].TextVersion != "2026-1" || !cs[0].Granted {
		t.Fatalf("consents: %+v", cs)
	}
}

func TestImportConsentColumnsRefused(t *testing.T) {
	for name, tc := range map[string]struct{ csv, want string }{
		"not a day": {"name,consent contact,consent version\nAigerim,yes please,2026-1\n",
			`Line 2: The column "consent contact" holds "yes please", which is not the day the visitor gave this consent`},
		"no version": {"name,consent health\nAigerim,2026-08-24\n",
			"Line 2: This line gives consents but not the version of the texts"},
		"two columns": {"name,consent health,health consent\nAigerim,2026-08-24,2026-08-24\n",
			`The columns "consent health" and "health consent" both hold the consent to health information`},
	} {
		_, err := ParseVisitorsCSV(strings.NewReader(tc.csv))
		if err == nil || !strings.Contains(ErrorMessage(err), tc.want) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
