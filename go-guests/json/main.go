// Command json exercises encoding/json: struct tags, omitempty, nested
// values, maps (whose keys encoding/json sorts), unmarshalling into structs
// and into interface values, and error messages.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Address is nested inside Person.
type Address struct {
	Street string `json:"street"`
	City   string `json:"city"`
}

// Person has a mix of tagged, omitted and nested fields.
type Person struct {
	Name     string            `json:"name"`
	Age      int               `json:"age"`
	Email    string            `json:"email,omitempty"`
	Tags     []string          `json:"tags"`
	Address  *Address          `json:"address,omitempty"`
	Scores   map[string]int    `json:"scores"`
	Meta     map[string]string `json:"meta,omitempty"`
	Ratio    float64           `json:"ratio"`
	Active   bool              `json:"active"`
	internal string
}

func must(err error) {
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
}

func main() {
	tenth, fifth := 0.1, 0.2
	p := Person{
		Name:     "Ada <Lovelace> & co",
		Age:      36,
		Tags:     []string{"math", "poetry", "ünïcode"},
		Address:  &Address{Street: "12 St James's Square", City: "London"},
		Scores:   map[string]int{"zeta": 1, "alpha": 2, "mid": 3, "10": 4, "9": 5},
		Ratio:    tenth + fifth,
		Active:   true,
		internal: "not exported",
	}
	b, err := json.Marshal(p)
	must(err)
	fmt.Println("marshal:", string(b))

	b, err = json.MarshalIndent(Person{Name: "Empty", Tags: nil}, "", "  ")
	must(err)
	fmt.Println("indented zero-ish value:")
	fmt.Println(string(b))

	var back Person
	must(json.Unmarshal([]byte(`{"name":"Grace","age":85,"tags":["navy","cobol"],"address":{"street":"x","city":"Arlington"},"scores":{"b":2,"a":1},"ratio":1e-7,"active":false,"unknown":"ignored"}`), &back))
	fmt.Printf("unmarshal struct: name=%s age=%d tags=%v city=%s ratio=%g active=%t\n",
		back.Name, back.Age, back.Tags, back.Address.City, back.Ratio, back.Active)
	keys := make([]string, 0, len(back.Scores))
	for k := range back.Scores {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("  score %s=%d\n", k, back.Scores[k])
	}

	// Generic decoding: numbers become float64, objects map[string]any.
	var anyv any
	must(json.Unmarshal([]byte(`{"n":12345678901234567890,"f":-0.5,"s":"\u00e9\ud83d\ude00","nil":null,"list":[1,"two",true,null,{"k":"v"}],"obj":{"y":1,"x":2}}`), &anyv))
	printValue("", anyv)

	// json.Number keeps the exact text.
	dec := json.NewDecoder(strings.NewReader(`{"big": 12345678901234567890}`))
	dec.UseNumber()
	var withNum map[string]any
	must(dec.Decode(&withNum))
	fmt.Printf("json.Number: %v (%T)\n", withNum["big"], withNum["big"])

	// Special floats cannot be encoded; syntax and type errors are reported.
	_, err = json.Marshal(map[string]float64{"bad": posInf()})
	fmt.Println("marshal +Inf error:", err)
	var target Person
	err = json.Unmarshal([]byte(`{"age":"old"}`), &target)
	fmt.Println("type error:", err)
	err = json.Unmarshal([]byte(`{"name": }`), &target)
	fmt.Println("syntax error:", err)

	// HTML escaping can be switched off on an Encoder.
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	must(enc.Encode(map[string]string{"html": "<b>&</b>"}))
	fmt.Print("no HTML escaping: ", sb.String())
}

func posInf() float64 {
	zero := 0.0
	return 1 / zero
}

func printValue(indent string, v any) {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Printf("%sobject with %d keys\n", indent, len(t))
		for _, k := range keys {
			fmt.Printf("%s  key %q:\n", indent, k)
			printValue(indent+"    ", t[k])
		}
	case []any:
		fmt.Printf("%sarray of %d\n", indent, len(t))
		for _, e := range t {
			printValue(indent+"  ", e)
		}
	default:
		fmt.Printf("%s%T %v\n", indent, t, t)
	}
}
