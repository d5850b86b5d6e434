#!/bin/sh
# Regenerates the nasty-roster corpus byte for byte (printf only, so the
# Windows-1252 and UTF-16 bytes are exactly what Excel writes).
# Expectations for every file live in tests/unit/test_roster.c (test_corpus).
# Run from this directory: sh make-fixtures.sh
set -eu

# UTF-8 with BOM, CRLF (Excel "CSV UTF-8"), leading-zero ids
printf '\357\273\277Staff ID,Team,Contract,FTE\r\n00042,Assessment,Permanent,1\r\n00043,Assessment,Agency,0.6\r\n' > utf8_bom_crlf.csv

# UTF-16LE with BOM, tab-separated (Excel "Unicode text"), a pound sign (U+00A3)
printf '\377\376S\000t\000a\000f\000f\000 \000I\000D\000\t\000T\000e\000a\000m\000\t\000C\000o\000n\000t\000r\000a\000c\000t\000\r\000\n\0007\000\t\000C\000h\000i\000l\000d\000r\000e\000n\000 \000\243\000 \000F\000a\000m\000i\000l\000i\000e\000s\000\t\000L\000o\000c\000u\000m\000\r\000\n\000' > utf16le_tab_pound.csv

# UTF-16BE with BOM, tab-separated: en dash, curly apostrophe, e acute in the job title
printf '\376\377\000S\000t\000a\000f\000f\000 \000I\000D\000\011\000T\000e\000a\000m\000\011\000C\000o\000n\000t\000r\000a\000c\000t\000\011\000J\000o\000b\000 \000T\000i\000t\000l\000e\000\015\000\012\0008\000\011\000A\000s\000s\000e\000s\000s\000m\000e\000n\000t\000\011\000P\000e\000r\000m\000a\000n\000e\000n\000t\000\011\000P\000r\000a\000c\000t\000i\000t\000i\000o\000n\000e\000r\000  \023\000 \000C\000h\000i\000l\000d\000r\000e\000n \031\000s\000 \000C\000a\000f\000\351\000\015\000\012' > utf16be_tab_accents.csv

# Windows-1252, semicolons: curly quotes 0x93/0x94, euro 0x80, pound 0xA3
printf 'Employee Number;Cost Centre;Contract Type;Job Title;FTE\r\n0101;North;Perm;\223Senior\224 practitioner \200 \243;0.5\r\n' > cp1252_semicolon.csv

# quoted line breaks (LF and CRLF), doubled quotes; the last record starts on line 7
printf 'staff_id,team,contract,role\n1,A,perm,"Team\nmanager"\n2,A,perm,"He said ""hi"""\n3,A,perm,"x\r\ny"\n4,A,wizard,z\n' > quoted_newlines.csv

# ragged rows, trailing empty lines
printf 'staff_id,team,contract\n1,A,perm,,\n2,A,perm,oops\n3,A\n\n\n\n' > ragged_trailing.csv

# date traps: two-digit year, US order, 29/02/2023, Excel serial, end before start
printf 'staff_id,team,contract,start_date,end_date\n1,A,perm,30/09/26,\n2,A,perm,09/30/2026,\n3,A,perm,29/02/2023,\n4,A,perm,46295,\n5,A,perm,2026-09-30,2026-09-01\n6,A,perm,03-Sep-2026,3 Sep 2027\n' > dates_traps.csv

# the same staff id twice
printf 'staff_id,team,contract\n007,A,perm\n008,A,perm\n007,B,agency\n' > duplicate_ids.csv

# no contract column
printf 'Staff ID,Team Name,FTE\n1,A,1\n' > missing_contract.csv

# hours instead of fte (standard week 37)
printf 'staff_id,team,contract,Contracted Hours\n1,A,perm,18.5\n2,A,perm,37\n3,A,perm,40\n' > hours.csv

# a quote opened on line 3 and never closed
printf 'staff_id,team,contract\n1,A,perm\n2,"A,perm\n3,B,perm\n' > unterminated_quote.csv

# a bare quote inside an unquoted value
printf 'staff_id,team,contract,role\n1,A,perm,Robert "Bob" Smith\n2,A,perm,ok\n' > quote_in_unquoted.csv

# old Mac line ends (CR only)
printf 'staff_id,team,contract\r1,A,perm\r2,B,agency\r' > cr_only.csv

# UTF-16LE with a lone high surrogate on line 2
printf '\377\376a\000\n\000\000\330b\000\n\000' > lone_surrogate_utf16le.csv

# UTF-16LE without a BOM: NUL bytes in what looks like 8-bit text
printf 's\000,\000t\000\n\000' > nul_bytes.csv

# UTF-8 pound on line 2, Windows-1252 pound on line 3
printf 'staff_id,team,contract,role\n1,A,perm,\302\243 UTF-8\n2,A,perm,\243 cp1252\n' > mixed_encoding.csv

# comma and semicolon both in the header
printf 'staff_id,team;contract\n1,A;perm\n' > ambiguous_delimiter.csv

# continental decimal comma in a semicolon file
printf 'staff_id;team;contract;fte\n1;A;perm;0,5\n' > semicolon_decimal_comma.csv

# Excel's sep= line: the header is on line 2
printf 'sep=;\r\nstaff_id;team;contract\r\n1;A;perm\r\n' > sep_line.csv

# rows of empty cells that Excel leaves behind
printf 'staff_id,team,contract\n1,A,perm\n,,\n , ,\n' > excel_blank_rows.csv
