package gotest_pkg

import (
	"os"
	"testing"
)

func TestWordsOfTestdata(t *testing.T) {
	data, err := os.ReadFile("testdata/words.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(Words(string(data))); got != 4 {
		t.Fatalf("got %d words, want 4", got)
	}
}

func TestTempDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/x", []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
}
