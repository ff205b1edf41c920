# Django's zh_Hans locale defines no digit grouping, so intcomma / floatformat:"g" printed amounts
# such as 2000000 without separators. Money reads as 2,000,000 in the office's documents.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
