package camera

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"medibooth/booth"
)

func TestFolderSendsPicturesInNameOrderAtItsRate(t *testing.T) {
	dir := sequence(t, codeA, 1, "", 1, codeB, 1)
	// A JPEG that sorts last, and a file that is no picture.
	if err := os.WriteFile(filepath.Join(dir, "z-last.JPG"), encodeJPEG(t, badgeFrame(t, codeA, 0, 0)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a picture"), 0o644); err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		f, err := NewFolder(dir, 4, false)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if f.Len() != 4 || f.Name() != filepath.Base(dir) || f.Err() != nil {
			t.Fatalf("folder of %d pictures named %q", f.Len(), f.Name())
		}
		start := time.Now()
		frames, err := f.Frames(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Frames(context.Background()); err == nil {
			t.Fatal("a second Frames call was accepted")
		}
		var got []string
		var at []time.Duration
		for fr := range frames {
			if fr.Gray.Bounds().Dx() != 640 || fr.Gray.Stride != 640 {
				t.Fatalf("frame %v stride %d", fr.Gray.Bounds(), fr.Gray.Stride)
			}
			got = append(got, strings.Join(zxingDecode(fr.Gray), ","))
			at = append(at, fr.At.Sub(start))
		}
		if want := []string{codeA, "", codeB, codeA}; !slices.Equal(got, want) {
			t.Fatalf("frames show %q, want %q", got, want)
		}
		for i, d := range at {
			if d != time.Duration(i)*250*time.Millisecond {
				t.Fatalf("frame %d at %v", i, d)
			}
		}
	})
}

func TestFolderLoopsUntilClosed(t *testing.T) {
	dir := sequence(t, codeA, 2)
	synctest.Test(t, func(t *testing.T) {
		f, err := NewFolder(dir, 10, true)
		if err != nil {
			t.Fatal(err)
		}
		frames, _ := f.Frames(context.Background())
		n := 0
		for range frames {
			if n++; n == 7 {
				f.Close()
				f.Close() // twice is fine
			}
		}
		if n < 7 || n > 8 {
			t.Fatalf("%d frames after Close at the 7th", n)
		}
	})
}

func TestFolderErrorsAreSentences(t *testing.T) {
	empty := t.TempDir()
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "a.png"), []byte("not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dir  string
		fps  int
		code string
		msg  string
	}{
		{filepath.Join(empty, "missing"), 2, booth.ENOTFOUND, "The picture folder could not be opened."},
		{empty, 2, booth.EINVALID, "The picture folder holds no PNG or JPEG pictures."},
		{broken, 2, booth.EINVALID, "A picture in the folder could not be read."},
		{empty, 0, booth.EINVALID, "The picture rate must be at least one picture a second."},
	} {
		_, err := NewFolder(c.dir, c.fps, false)
		if booth.ErrorCode(err) != c.code || booth.ErrorMessage(err) != c.msg {
			t.Errorf("NewFolder(%s, %d): %v", c.dir, c.fps, err)
		}
	}
}
