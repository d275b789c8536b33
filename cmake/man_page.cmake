# Writes the man page loopfront(1) from the program's own help: `loopfront --help`, then every
# command's and subcommand's `--help` (found in the "Subcommands:" list of its parent's help), so
# the page says exactly what the binary says and cannot fall out of date.
#
#   cmake -DLOOPFRONT=build/loopfront -DVERSION=0.2.0 -DOUTPUT=build/man/loopfront.1 -P cmake/man_page.cmake
foreach(required LOOPFRONT VERSION OUTPUT)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "man_page.cmake: -D${required}=… is required")
  endif()
endforeach()

# The help text of `loopfront <words> --help`; stops the build if the program fails.
function(loopfront_help words out_var)
  execute_process(COMMAND ${LOOPFRONT} ${words} --help OUTPUT_VARIABLE text ERROR_VARIABLE error
                  RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "man_page.cmake: `loopfront ${words} --help` failed (${status}): ${error}")
  endif()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# The names listed under "Subcommands:" in a help text (CLI11 indents each by two spaces).
function(subcommands_of text out_var)
  string(REPLACE ";" "\\;" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(inside FALSE)
  set(names)
  foreach(line IN LISTS lines)
    if(line STREQUAL "Subcommands:")
      set(inside TRUE)
    elseif(inside AND line MATCHES "^  ([a-z][a-z0-9_-]*)( |$)")
      list(APPEND names ${CMAKE_MATCH_1})
    elseif(inside AND NOT line MATCHES "^ ")
      set(inside FALSE)
    endif()
  endforeach()
  set(${out_var} ${names} PARENT_SCOPE)
endfunction()

# Help text as a roff no-fill block: backslashes escaped, lines that roff would read as requests
# (starting with '.' or ') guarded.
function(as_roff text out_var)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out_var} ".nf\n${text}.fi\n" PARENT_SCOPE)
endfunction()

loopfront_help("" top_help)
as_roff("${top_help}" top_roff)
string(CONCAT page
       ".\\\" Generated at build time by cmake/man_page.cmake from `loopfront --help`; do not edit.\n"
       ".TH LOOPFRONT 1 \"\" \"loopfront ${VERSION}\" \"User Commands\"\n"
       ".SH NAME\n"
       "loopfront \\- Pareto-optimal mappings (latency vs energy) of Transformer ops on DNN accelerators\n"
       ".SH SYNOPSIS\n"
       ".B loopfront\n"
       "\\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n"
       ".SH DESCRIPTION\n"
       "${top_roff}"
       ".SH COMMANDS\n")

# Depth first, in the order the help lists them: `import`, then `import timeloop`, `import hf`, ….
subcommands_of("${top_help}" pending)
while(pending)
  list(POP_FRONT pending command)
  string(REPLACE " " ";" words "${command}")
  loopfront_help("${words}" help)
  as_roff("${help}" roff)
  string(APPEND page ".SS loopfront ${command}\n${roff}")
  subcommands_of("${help}" children)
  set(nested)
  foreach(child IN LISTS children)
    list(APPEND nested "${command} ${child}")
  endforeach()
  list(PREPEND pending ${nested})
endwhile()

string(CONCAT page "${page}"
       ".SH EXIT STATUS\n"
       "0 on success; 2 on a configuration error, "
       "each printed as \\fIfile\\fR:\\fIline\\fR:\\fIcolumn\\fR: \\fIkey.path\\fR: expected …, got …; 1 on an internal error (a bug in loopfront) and, for crosscheck, on a mismatch.\n"
       ".SH SEE ALSO\n"
       "The documentation installed in share/doc/loopfront/ (README.md, docs/*.md).\n")
file(WRITE "${OUTPUT}.tmp" "${page}")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
