package ui

import (
	"errors"
	"testing"

	"fyne.io/fyne/v2/lang"

	"medibooth/booth"
)

// A sentence made with values is translated before the values go in; an
// error inside another is translated too, line by line for a CSV import.
func TestLocalize(t *testing.T) {
	ru := map[string]string{
		"The visitor %q is not here.": "Посетителя %q здесь нет.",
		"Line %d: %s":                 "Строка %d: %s",
		"The visitor needs a name.":   "У посетителя должно быть имя.",
		"Cannot print: %s":            "Не удалось напечатать: %s",
		internalSentenceForTest:       "Внутренняя ошибка.",
	}
	tr := func(k string) string {
		if v, ok := ru[k]; ok {
			return v
		}
		return k
	}
	inner := booth.Errorf(booth.EINVALID, "The visitor needs a name.")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{booth.Errorf(booth.ENOTFOUND, "The visitor %q is not here.", "Айгерим"), `Посетителя "Айгерим" здесь нет.`},
		{booth.Errorf(booth.EINVALID, "Cannot print: %s", inner), "Не удалось напечатать: У посетителя должно быть имя."},
		{errors.Join(errors.New("wrapped"), inner), "У посетителя должно быть имя."},
		{errors.New("disk on fire"), "Внутренняя ошибка."},
		{nil, ""},
	} {
		if got := booth.Localize(tc.err, tr); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.err, got, tc.want)
		}
	}
	// English stays whole for the CLI and the log.
	if m := booth.ErrorMessage(booth.Errorf(booth.EINVALID, "Cannot print: %s", inner)); m != "Cannot print: The visitor needs a name." {
		t.Errorf("English: %q", m)
	}
}

const internalSentenceForTest = "Something went wrong inside medibooth; the details are in the log."

// On Windows and macOS Fyne follows the system's locale, which medibooth
// cannot change: the language chosen in the window must win whatever the
// system speaks, Fyne's own words (file dialogs, Cancel) included. Here the
// system is German, as Fyne reads it on Linux.
func TestLanguageWhateverTheSystemSpeaks(t *testing.T) {
	t.Setenv("LANGUAGE", "de")
	t.Setenv("LC_ALL", "")
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	for _, tc := range []struct{ code, cancel, save, parent, register string }{
		{"ru", "Отмена", "Сохранить", "Вверх", "Зарегистрировать и напечатать бейдж"},
		{"ko", "취소", "저장", "상위 폴더", "등록하고 배지 인쇄"},
		{"kk", "Болдырмау", "Сақтау", "Жоғары", "Тіркеу және бейдж басу"},
		{"en", "Cancel", "Save", "Parent", "Register and print badge"},
	} {
		var cancel, save, parent, register string
		act(func() {
			setLanguage(tc.code, "de", false)
			cancel, save = lang.L("Cancel"), lang.L("Save")
			parent = lang.X("file.parent", "Parent")
			register = lang.L("Register and print badge")
		})
		if cancel != tc.cancel || save != tc.save || parent != tc.parent || (tc.register != "" && register != tc.register) {
			t.Errorf("%s on a German system: %q %q %q %q", tc.code, cancel, save, parent, register)
		}
	}
}
