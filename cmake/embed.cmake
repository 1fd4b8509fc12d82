# Writes OUT: a C++ file defining SYMBOL (bytes of IN, NUL-terminated) and SYMBOL_size.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR size "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," body "${hex}")
file(WRITE ${OUT} "// generated from ${IN}\nextern const char ${SYMBOL}[];\nextern const unsigned long ${SYMBOL}_size;\nconst char ${SYMBOL}[] = {${body}'\\0'};\nconst unsigned long ${SYMBOL}_size = ${size};\n")
