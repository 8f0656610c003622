# The benchmark mapping as a jq program (jq 1.6 has no trim, so a regular expression).
def t: sub("^[ \t\r\n]+"; "") | sub("[ \t\r\n]+$"; "");
def int_or_null: if . == null or . == "" then null else tonumber end;
(.email // "" | t | ascii_downcase) as $email
| if $email == "" or ($email | test("^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$") | not) then
    ({record: ., reason: "email"} | stderr | empty)
  else
    (.first_name | t) as $first
    | (.last_name | t) as $last
    | (.created | split("/")) as $d
    | {
        lead_id: (.id | if type == "string" then tonumber else . end),
        contact: {
          first_name: $first,
          last_name: $last,
          full_name: ($first + " " + $last),
          email: $email,
          phone: (.phone | gsub("[^0-9]"; ""))
        },
        company: ({name: (.company | t)}
                  + (if (.employees | int_or_null) == null then {} else {employees: (.employees | tonumber)} end)
                  + {country: (.country | ascii_upcase)}),
        created_on: "\($d[2])-\($d[1])-\($d[0])",
        source: (if .utm_source == "" or .utm_source == null then "web" else .utm_source end),
        pipeline: "inbound"
      }
  end
