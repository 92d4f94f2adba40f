package booth

import (
	"slices"
	"strconv"
	"strings"
)

// Why two visitor records look like one person.
const (
	SameByPhone    = "phone"     // the same phone number
	SameByNameYear = "name-year" // the same name, in any spelling, and birth year
)

// A PersonRecord is one visitor record in a duplicate report. PersonID is
// the record the person is already counted under (itself when not linked).
type PersonRecord struct {
	Visitor
	PersonID string `json:"person_id"`
	Device   string `json:"device"` // the name of the laptop that registered it
	Scans    int    `json:"scans"`
}

// A DuplicateGroup is records that look like one person registered more
// than once (on two laptops, or twice at one), with why.
type DuplicateGroup struct {
	Records []PersonRecord `json:"records"`
	Reasons []string       `json:"reasons"`
}

// PersonNameKey spells a name so that its spellings in Cyrillic, Latin and
// Hangul, with the words in any order, give one key: Айгерим Нурланова,
// Aigerim Nurlanova, Nurlanova Aygerim and Әйгерім Нұрланова match.
func PersonNameKey(name string) string {
	words := strings.Fields(name)
	keys := make([]string, 0, len(words))
	for _, w := range words {
		if k := nameSoundKey(SearchKey(w)); k != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return strings.Join(keys, " ")
}

// nameSoundKey folds the spelling variants Kazakh and Russian names take in
// Latin letters on top of SearchKey's: doubled letters, kh/h, zh/j, the
// vowels Kazakh marks (Нұрлан = Нурлан already fold to u), e/ye.
func nameSoundKey(k string) string {
	for _, r := range [][2]string{{"kh", "h"}, {"zh", "j"}, {"dj", "j"}, {"ie", "e"}} {
		k = strings.ReplaceAll(k, r[0], r[1])
	}
	var b strings.Builder
	var last byte
	for i := 0; i < len(k); i++ {
		if k[i] != last {
			b.WriteByte(k[i])
		}
		last = k[i]
	}
	return b.String()
}

// FindDuplicates groups records that look like one person: the same phone
// number, or the same name (PersonNameKey) and birth year. Records already
// linked to one person (PersonID) are one; groups already wholly one person
// are not reported. Groups come out in a stable order.
func FindDuplicates(rs []PersonRecord) []DuplicateGroup {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		p, ok := parent[x]
		if !ok || p == x {
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	union := func(a, b string) {
		ra, rb := find(a), find(b)
		if ra != rb {
			if rb < ra {
				ra, rb = rb, ra
			}
			parent[rb] = ra
		}
	}
	reasons := map[string]map[string]bool{} // by a record of the pair
	byKey := map[string]string{}
	mark := func(key, id, why string) {
		if other, ok := byKey[key]; ok {
			union(other, id)
			for _, x := range []string{other, id} {
				if reasons[x] == nil {
					reasons[x] = map[string]bool{}
				}
				reasons[x][why] = true
			}
			return
		}
		byKey[key] = id
	}
	for _, r := range rs {
		if r.Erased {
			continue
		}
		if r.PersonID != "" && r.PersonID != r.ID {
			union(r.ID, r.PersonID)
		}
		if d := Digits(r.Phone); len(d) >= 7 {
			mark("p:"+d, r.ID, SameByPhone)
		}
		if n := PersonNameKey(r.NameLatin); r.BirthYear > 0 && n != "" {
			mark("n:"+n+"|"+strconv.Itoa(r.BirthYear), r.ID, SameByNameYear)
		}
	}
	groups := map[string]*DuplicateGroup{}
	var order []string
	for _, r := range rs {
		if r.Erased {
			continue
		}
		root := find(r.ID)
		g := groups[root]
		if g == nil {
			g = &DuplicateGroup{}
			groups[root] = g
			order = append(order, root)
		}
		g.Records = append(g.Records, r)
		for why := range reasons[r.ID] {
			if !slices.Contains(g.Reasons, why) {
				g.Reasons = append(g.Reasons, why)
			}
		}
	}
	var out []DuplicateGroup
	for _, root := range order {
		g := groups[root]
		people := map[string]bool{}
		for _, r := range g.Records {
			if r.PersonID == "" {
				r.PersonID = r.ID
			}
			people[r.PersonID] = true
		}
		if len(g.Records) < 2 || len(people) < 2 {
			continue
		}
		slices.SortFunc(g.Records, func(a, b PersonRecord) int {
			if c := a.Created.Compare(b.Created); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		slices.Sort(g.Reasons)
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b DuplicateGroup) int {
		return strings.Compare(strings.ToLower(a.Records[0].NameLatin)+a.Records[0].ID, strings.ToLower(b.Records[0].NameLatin)+b.Records[0].ID)
	})
	return out
}
