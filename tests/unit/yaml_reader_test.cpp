#include "loopfront/io/yaml_reader.h"

#include <catch2/catch.hpp>

#include "loopfront/io/yaml_json.h"

using loopfront::io::YamlDocument;
using loopfront::util::Diagnostics;

TEST_CASE("YamlMap reports unknown keys with position and a suggestion", "[io]") {
  Diagnostics diagnostics;
  const YamlDocument document = YamlDocument::LoadString("d_model: 768\nheds: 12\n", "spec.yaml", diagnostics);
  const auto map = document.root().AsMap({"d_model", "heads"});
  REQUIRE(map.has_value());
  REQUIRE(diagnostics.size() == 1);
  const std::string text = diagnostics.items()[0].ToString();
  CHECK(text.starts_with("spec.yaml:2:1: heds: expected one of the keys d_model, heads, got unknown key 'heds'"));
  CHECK(text.find("did you mean 'heads'?") != std::string::npos);
}

TEST_CASE("YamlMap reports duplicate keys at the second occurrence", "[io]") {
  Diagnostics diagnostics;
  const YamlDocument document = YamlDocument::LoadString("a: 1\nb: 2\na: 3\n", "dup.yaml", diagnostics);
  const auto map = document.root().AsMap({"a", "b"});
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics.items()[0].ToString() == "dup.yaml:3:1: a: expected each key once, got 'a' again (first at line 1)");
  CHECK(map->Get("a")->AsInt() == 1);
}

TEST_CASE("Typed reads are strict and all errors are collected", "[io]") {
  Diagnostics diagnostics;
  const YamlDocument document =
      YamlDocument::LoadString("size: \"512\"\nlanes: -4\nrate: abc\nflag: yes\n", "t.yaml", diagnostics);
  const auto map = document.root().AsMap({"size", "lanes", "rate", "flag"});
  CHECK_FALSE(map->Get("size")->AsPositiveInt());
  CHECK_FALSE(map->Get("lanes")->AsPositiveInt());
  CHECK_FALSE(map->Get("rate")->AsDouble());
  CHECK_FALSE(map->Get("flag")->AsBool());
  REQUIRE(diagnostics.size() == 4);
  CHECK(diagnostics.items()[0].ToString() == "t.yaml:1:7: size: expected a positive integer, got the string \"512\"");
  CHECK(diagnostics.items()[1].ToString() == "t.yaml:2:8: lanes: expected a positive integer, got '-4'");
  CHECK(diagnostics.items()[3].ToString() == "t.yaml:4:7: flag: expected true or false, got 'yes'");
}

TEST_CASE("Syntax errors carry a 1-based position", "[io]") {
  Diagnostics diagnostics;
  const YamlDocument document = YamlDocument::LoadString("a: [1, 2\nb: 3\n", "bad.yaml", diagnostics);
  CHECK_FALSE(document.ok());
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics.items()[0].line >= 1);
  CHECK(diagnostics.items()[0].ToString().find("expected valid YAML") != std::string::npos);
}

TEST_CASE("Nested paths name list items and keys", "[io]") {
  Diagnostics diagnostics;
  const YamlDocument document =
      YamlDocument::LoadString("levels:\n  - name: DRAM\n  - name: SP\n    capacity: 0\n", "arch.yaml", diagnostics);
  const auto root = document.root().AsMap({"levels"});
  const auto levels = root->Get("levels")->AsList();
  const auto second = (*levels)[1].AsMap({"name", "capacity"});
  CHECK_FALSE(second->Get("capacity")->AsPositiveInt());
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics.items()[0].ToString() == "arch.yaml:4:15: levels[1].capacity: expected a positive integer, got '0'");
}

TEST_CASE("A misspelled required key is one error, not two", "[io]") {
  Diagnostics diagnostics;
  const YamlDocument document = YamlDocument::LoadString("d_modle: 768\n", "spec.yaml", diagnostics);
  const auto map = document.root().AsMap({"d_model", "heads"});
  CHECK_FALSE(map->Require("d_model", "the model width"));
  CHECK_FALSE(map->Require("heads", "attention heads"));
  REQUIRE(diagnostics.size() == 2);
  CHECK(diagnostics.items()[0].ToString().find("did you mean 'd_model'?") != std::string::npos);
  CHECK(diagnostics.items()[1].ToString().find("expected key 'heads'") != std::string::npos);
}

TEST_CASE("YamlToJson keeps order and reads scalars as the typed reads do", "[io]") {
  Diagnostics diagnostics;
  const YamlDocument document = YamlDocument::LoadString(
      "b: 2\na: [1.5, true, '3', x, ~]\nc: {d: -4}\n", "doc.yaml", diagnostics);
  const nlohmann::ordered_json json = loopfront::io::YamlToJson(document.root());
  CHECK(json.dump() == R"({"b":2,"a":[1.5,true,"3","x",null],"c":{"d":-4}})");
  CHECK(diagnostics.empty());
}
