# Django's zh_Hans locale defines no digit grouping, so intcomma / floatformat:"g" printed amounts
# such as 2000000 without separators. Money reads as 2,000,000 in the office's documents.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

# One date style (core.dates): 2026年12月1日 in prose, 2026-12-01 14:30 in dense tables.
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
