#include "loopfront/io/json_reader.h"

#include <catch2/catch.hpp>

using loopfront::io::JsonDocument;
using loopfront::io::LineColumnOfOffset;
using loopfront::util::Diagnostics;

TEST_CASE("JSON values know the line and column where they start", "[io][json]") {
  Diagnostics diagnostics;
  const JsonDocument document = JsonDocument::LoadString(
      "{\n  \"hidden_size\": 768,\n  \"nested\": {\"a/b\": [1, \"x\"], \"é\": true},\n\t\"last\": null\n}\n", "c.json",
      diagnostics);
  REQUIRE(document.ok());
  const auto root = document.root();
  CHECK(root.line() == 1);
  CHECK(root.column() == 1);
  CHECK(root.Get("hidden_size")->line() == 2);
  CHECK(root.Get("hidden_size")->column() == 18);
  CHECK(root.Get("nested")->column() == 13);
  CHECK(root.Get("nested")->Get("a/b")->column() == 21);
  // Columns count characters: "é" is two bytes but one column.
  CHECK(root.Get("nested")->Get("é")->column() == 36);
  CHECK(root.Get("last")->line() == 4);
  CHECK(root.Get("last")->column() == 10);
  CHECK(root.Get("last")->IsNull());
  CHECK(root.Keys() == std::vector<std::string>{"hidden_size", "nested", "last"});
  CHECK_FALSE(root.Get("missing").has_value());
}

TEST_CASE("JSON typed reads are strict and report at the value", "[io][json]") {
  Diagnostics diagnostics;
  const JsonDocument document = JsonDocument::LoadString(
      R"({"a": 4096.0, "b": -2, "c": "512", "d": "yes", "e": 64, "f": "silu"})", "t.json", diagnostics);
  const auto root = document.root();
  CHECK_FALSE(root.Get("a")->AsPositiveInt());
  CHECK_FALSE(root.Get("b")->AsPositiveInt());
  CHECK_FALSE(root.Get("c")->AsPositiveInt());
  CHECK_FALSE(root.Get("d")->AsBool());
  CHECK(root.Get("e")->AsPositiveInt() == 64);
  CHECK_FALSE(root.Get("f")->AsChoice({"gelu_new", "silu_x"}));
  REQUIRE(diagnostics.size() == 5);
  CHECK(diagnostics.items()[0].ToString() == "t.json:1:7: a: expected a positive integer, got 4096.0");
  CHECK(diagnostics.items()[1].ToString() == "t.json:1:20: b: expected a positive integer, got -2");
  CHECK(diagnostics.items()[2].ToString() == "t.json:1:29: c: expected a positive integer, got the string \"512\"");
  CHECK(diagnostics.items()[3].ToString() == "t.json:1:41: d: expected true or false, got the string \"yes\"");
  CHECK(diagnostics.items()[4].ToString().starts_with(
      "t.json:1:62: f: expected one of gelu_new, silu_x, got the string \"silu\"; did you mean 'silu_x'?"));
}

TEST_CASE("A JSON syntax error is reported at the line and column of nlohmann's byte offset", "[io][json]") {
  Diagnostics diagnostics;
  const JsonDocument document =
      JsonDocument::LoadString("{\n  \"hidden_size\": 768,\n  \"heads\" 12\n}\n", "bad.json", diagnostics);
  CHECK_FALSE(document.ok());
  REQUIRE(diagnostics.size() == 1);
  const std::string text = diagnostics.items()[0].ToString();
  // nlohmann stops after the token it cannot use (the number 12): its last character.
  CHECK(text.starts_with("bad.json:3:12: expected JSON, got a syntax error: "));
  CHECK(text.find("json.exception") == std::string::npos);
}

TEST_CASE("A key given twice in one JSON object is an error at the second", "[io][json]") {
  Diagnostics diagnostics;
  const JsonDocument document =
      JsonDocument::LoadString("{\"a\": 1,\n \"b\": {\"c\": 2},\n \"a\": 3}", "dup.json", diagnostics);
  CHECK_FALSE(document.ok());
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics.items()[0].ToString() ==
        "dup.json:3:7: a: expected each key once per object, got 'a' again (first at line 1)");
  // The first occurrence keeps its position.
  CHECK(document.root().Get("b")->Get("c")->line() == 2);
}

TEST_CASE("A missing JSON file is an error naming the path", "[io][json]") {
  Diagnostics diagnostics;
  const JsonDocument document = JsonDocument::LoadFile("/nonexistent/config.json", diagnostics);
  CHECK_FALSE(document.ok());
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics.items()[0].ToString() ==
        "/nonexistent/config.json: expected a readable JSON file, got none at that path");
}

TEST_CASE("Byte offsets become 1-based lines and character columns", "[io][json]") {
  CHECK(LineColumnOfOffset("abc", 0) == std::pair{1, 1});
  CHECK(LineColumnOfOffset("ab\ncd", 3) == std::pair{2, 1});
  CHECK(LineColumnOfOffset("ab\ncd", 4) == std::pair{2, 2});
  CHECK(LineColumnOfOffset("é\nx", 3) == std::pair{2, 1});
  CHECK(LineColumnOfOffset("éx", 2) == std::pair{1, 2});
  CHECK(LineColumnOfOffset("ab", 99) == std::pair{1, 3});
}

TEST_CASE("Non-negative JSON integers accept 0 and refuse negatives and fractions", "[io][json]") {
  Diagnostics diagnostics;
  const JsonDocument document = JsonDocument::LoadString(
      R"({"zero": 0, "minus": -1, "half": 0.5, "huge": 18446744073709551615})", "n.json", diagnostics);
  const auto root = document.root();
  CHECK(root.Get("zero")->AsNonNegativeInt() == 0);
  CHECK_FALSE(root.Get("minus")->AsNonNegativeInt());
  CHECK_FALSE(root.Get("half")->AsNonNegativeInt());
  // Beyond int64: not an integer loopfront can hold.
  CHECK_FALSE(root.Get("huge")->AsPositiveInt());
  REQUIRE(diagnostics.size() == 3);
  CHECK(diagnostics.items()[0].ToString() == "n.json:1:22: minus: expected a non-negative integer, got -1");
}
