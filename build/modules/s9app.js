/* s9app 0.1.0: IoT mail alerts: a persistent outbox and inbox polling (uses s9mail; carries the MIME reader). sim900-mail, MIT licence. Page: docs/modules/s9app.md; carries s9box, s9inbox, s9mime */
// the s9cs data file, written to Storage when it is not there (or differs)
(function(){var S=require("Storage"),t=" koi8r cskoi8r koi8 | koi8u | windows1250 cp1250 xcp1250 | windows1251 cp1251 xcp1251 | windows1253 cp1253 xcp1253 | windows1254 cp1254 xcp1254 | windows1255 cp1255 xcp1255 | windows1256 cp1256 xcp1256 | windows1257 cp1257 xcp1257 | windows1258 cp1258 xcp1258 | iso88592 latin2 l2 isoir101 | iso88593 latin3 l3 isoir109 | iso88594 latin4 l4 isoir110 | iso88595 cyrillic isoir144 | iso88596 arabic isoir127 | iso88597 greek greek8 isoir126 | iso88598 iso88598i hebrew isoir138 | iso88599 latin5 l5 isoir148 | iso885910 latin6 l6 isoir157 | iso885911 tis620 | iso885913 latin7 l7 | iso885914 latin8 l8 | iso885915 latin9 l9 | iso885916 latin10 l10 | windows874 cp874 | ibm866 cp866 866 |\n%\x00%\x02%\x0c%\x10%\x14%\x18%\x1c%$%,%4%<%\x80%\x84%\x88%\x8c%\x90%\x91%\x92%\x93# %\xa0\"\x19\"\x1a\"H\"d\"e\x00\xa0#!\x00\xb0\x00\xb2\x00\xb7\x00\xf7%P%Q%R\x04Q%S%T%U%V%W%X%Y%Z%[%\\%]%^%_%`%a\x04\x01%b%c%d%e%f%g%h%i%j%k%l\x00\xa9\x04N\x040\x041\x04F\x044\x045\x04D\x043\x04E\x048\x049\x04:\x04;\x04<\x04=\x04>\x04?\x04O\x04@\x04A\x04B\x04C\x046\x042\x04L\x04K\x047\x04H\x04M\x04I\x04G\x04J\x04.\x04\x10\x04\x11\x04&\x04\x14\x04\x15\x04$\x04\x13\x04%\x04\x18\x04\x19\x04\x1a\x04\x1b\x04\x1c\x04\x1d\x04\x1e\x04\x1f\x04/\x04 \x04!\x04\"\x04#\x04\x16\x04\x12\x04,\x04+\x04\x17\x04(\x04-\x04)\x04'\x04*%\x00%\x02%\x0c%\x10%\x14%\x18%\x1c%$%,%4%<%\x80%\x84%\x88%\x8c%\x90%\x91%\x92%\x93# %\xa0\"\x19\"\x1a\"H\"d\"e\x00\xa0#!\x00\xb0\x00\xb2\x00\xb7\x00\xf7%P%Q%R\x04Q\x04T%T\x04V\x04W%W%X%Y%Z%[\x04\x91%]%^%_%`%a\x04\x01\x04\x04%c\x04\x06\x04\x07%f%g%h%i%j\x04\x90%l\x00\xa9\x04N\x040\x041\x04F\x044\x045\x04D\x043\x04E\x048\x049\x04:\x04;\x04<\x04=\x04>\x04?\x04O\x04@\x04A\x04B\x04C\x046\x042\x04L\x04K\x047\x04H\x04M\x04I\x04G\x04J\x04.\x04\x10\x04\x11\x04&\x04\x14\x04\x15\x04$\x04\x13\x04%\x04\x18\x04\x19\x04\x1a\x04\x1b\x04\x1c\x04\x1d\x04\x1e\x04\x1f\x04/\x04 \x04!\x04\"\x04#\x04\x16\x04\x12\x04,\x04+\x04\x17\x04(\x04-\x04)\x04'\x04* \xac\xff\xfd \x1a\xff\xfd \x1e &   !\xff\xfd 0\x01` 9\x01Z\x01d\x01}\x01y\xff\xfd \x18 \x19 \x1c \x1d \" \x13 \x14\xff\xfd!\"\x01a :\x01[\x01e\x01~\x01z\x00\xa0\x02\xc7\x02\xd8\x01A\x00\xa4\x01\x04\x00\xa6\x00\xa7\x00\xa8\x00\xa9\x01^\x00\xab\x00\xac\x00\xad\x00\xae\x01{\x00\xb0\x00\xb1\x02\xdb\x01B\x00\xb4\x00\xb5\x00\xb6\x00\xb7\x00\xb8\x01\x05\x01_\x00\xbb\x01=\x02\xdd\x01>\x01|\x01T\x00\xc1\x00\xc2\x01\x02\x00\xc4\x019\x01\x06\x00\xc7\x01\x0c\x00\xc9\x01\x18\x00\xcb\x01\x1a\x00\xcd\x00\xce\x01\x0e\x01\x10\x01C\x01G\x00\xd3\x00\xd4\x01P\x00\xd6\x00\xd7\x01X\x01n\x00\xda\x01p\x00\xdc\x00\xdd\x01b\x00\xdf\x01U\x00\xe1\x00\xe2\x01\x03\x00\xe4\x01:\x01\x07\x00\xe7\x01\x0d\x00\xe9\x01\x19\x00\xeb\x01\x1b\x00\xed\x00\xee\x01\x0f\x01\x11\x01D\x01H\x00\xf3\x00\xf4\x01Q\x00\xf6\x00\xf7\x01Y\x01o\x00\xfa\x01q\x00\xfc\x00\xfd\x01c\x02\xd9\x04\x02\x04\x03 \x1a\x04S \x1e &   ! \xac 0\x04\x09 9\x04\n\x04\x0c\x04\x0b\x04\x0f\x04R \x18 \x19 \x1c \x1d \" \x13 \x14\xff\xfd!\"\x04Y :\x04Z\x04\\\x04[\x04_\x00\xa0\x04\x0e\x04^\x04\x08\x00\xa4\x04\x90\x00\xa6\x00\xa7\x04\x01\x00\xa9\x04\x04\x00\xab\x00\xac\x00\xad\x00\xae\x04\x07\x00\xb0\x00\xb1\x04\x06\x04V\x04\x91\x00\xb5\x00\xb6\x00\xb7\x04Q!\x16\x04T\x00\xbb\x04X\x04\x05\x04U\x04W\x04\x10\x04\x11\x04\x12\x04\x13\x04\x14\x04\x15\x04\x16\x04\x17\x04\x18\x04\x19\x04\x1a\x04\x1b\x04\x1c\x04\x1d\x04\x1e\x04\x1f\x04 \x04!\x04\"\x04#\x04$\x04%\x04&\x04'\x04(\x04)\x04*\x04+\x04,\x04-\x04.\x04/\x040\x041\x042\x043\x044\x045\x046\x047\x048\x049\x04:\x04;\x04<\x04=\x04>\x04?\x04@\x04A\x04B\x04C\x04D\x04E\x04F\x04G\x04H\x04I\x04J\x04K\x04L\x04M\x04N\x04O \xac\xff\xfd \x1a\x01\x92 \x1e &   !\xff\xfd 0\xff\xfd 9\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd \x18 \x19 \x1c \x1d \" \x13 \x14\xff\xfd!\"\xff\xfd :\xff\xfd\xff\xfd\xff\xfd\xff\xfd\x00\xa0\x03\x85\x03\x86\x00\xa3\x00\xa4\x00\xa5\x00\xa6\x00\xa7\x00\xa8\x00\xa9\xff\xfd\x00\xab\x00\xac\x00\xad\x00\xae \x15\x00\xb0\x00\xb1\x00\xb2\x00\xb3\x03\x84\x00\xb5\x00\xb6\x00\xb7\x03\x88\x03\x89\x03\x8a\x00\xbb\x03\x8c\x00\xbd\x03\x8e\x03\x8f\x03\x90\x03\x91\x03\x92\x03\x93\x03\x94\x03\x95\x03\x96\x03\x97\x03\x98\x03\x99\x03\x9a\x03\x9b\x03\x9c\x03\x9d\x03\x9e\x03\x9f\x03\xa0\x03\xa1\xff\xfd\x03\xa3\x03\xa4\x03\xa5\x03\xa6\x03\xa7\x03\xa8\x03\xa9\x03\xaa\x03\xab\x03\xac\x03\xad\x03\xae\x03\xaf\x03\xb0\x03\xb1\x03\xb2\x03\xb3\x03\xb4\x03\xb5\x03\xb6\x03\xb7\x03\xb8\x03\xb9\x03\xba\x03\xbb\x03\xbc\x03\xbd\x03\xbe\x03\xbf\x03\xc0\x03\xc1\x03\xc2\x03\xc3\x03\xc4\x03\xc5\x03\xc6\x03\xc7\x03\xc8\x03\xc9\x03\xca\x03\xcb\x03\xcc\x03\xcd\x03\xce\xff\xfd \xac\xff\xfd \x1a\x01\x92 \x1e &   !\x02\xc6 0\x01` 9\x01R\xff\xfd\xff\xfd\xff\xfd\xff\xfd \x18 \x19 \x1c \x1d \" \x13 \x14\x02\xdc!\"\x01a :\x01S\xff\xfd\xff\xfd\x01x\x00\xa0\x00\xa1\x00\xa2\x00\xa3\x00\xa4\x00\xa5\x00\xa6\x00\xa7\x00\xa8\x00\xa9\x00\xaa\x00\xab\x00\xac\x00\xad\x00\xae\x00\xaf\x00\xb0\x00\xb1\x00\xb2\x00\xb3\x00\xb4\x00\xb5\x00\xb6\x00\xb7\x00\xb8\x00\xb9\x00\xba\x00\xbb\x00\xbc\x00\xbd\x00\xbe\x00\xbf\x00\xc0\x00\xc1\x00\xc2\x00\xc3\x00\xc4\x00\xc5\x00\xc6\x00\xc7\x00\xc8\x00\xc9\x00\xca\x00\xcb\x00\xcc\x00\xcd\x00\xce\x00\xcf\x01\x1e\x00\xd1\x00\xd2\x00\xd3\x00\xd4\x00\xd5\x00\xd6\x00\xd7\x00\xd8\x00\xd9\x00\xda\x00\xdb\x00\xdc\x010\x01^\x00\xdf\x00\xe0\x00\xe1\x00\xe2\x00\xe3\x00\xe4\x00\xe5\x00\xe6\x00\xe7\x00\xe8\x00\xe9\x00\xea\x00\xeb\x00\xec\x00\xed\x00\xee\x00\xef\x01\x1f\x00\xf1\x00\xf2\x00\xf3\x00\xf4\x00\xf5\x00\xf6\x00\xf7\x00\xf8\x00\xf9\x00\xfa\x00\xfb\x00\xfc\x011\x01_\x00\xff \xac\xff\xfd \x1a\x01\x92 \x1e &   !\x02\xc6 0\xff\xfd 9\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd \x18 \x19 \x1c \x1d \" \x13 \x14\x02\xdc!\"\xff\xfd :\xff\xfd\xff\xfd\xff\xfd\xff\xfd\x00\xa0\x00\xa1\x00\xa2\x00\xa3 \xaa\x00\xa5\x00\xa6\x00\xa7\x00\xa8\x00\xa9\x00\xd7\x00\xab\x00\xac\x00\xad\x00\xae\x00\xaf\x00\xb0\x00\xb1\x00\xb2\x00\xb3\x00\xb4\x00\xb5\x00\xb6\x00\xb7\x00\xb8\x00\xb9\x00\xf7\x00\xbb\x00\xbc\x00\xbd\x00\xbe\x00\xbf\x05\xb0\x05\xb1\x05\xb2\x05\xb3\x05\xb4\x05\xb5\x05\xb6\x05\xb7\x05\xb8\x05\xb9\x05\xba\x05\xbb\x05\xbc\x05\xbd\x05\xbe\x05\xbf\x05\xc0\x05\xc1\x05\xc2\x05\xc3\x05\xf0\x05\xf1\x05\xf2\x05\xf3\x05\xf4\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\x05\xd0\x05\xd1\x05\xd2\x05\xd3\x05\xd4\x05\xd5\x05\xd6\x05\xd7\x05\xd8\x05\xd9\x05\xda\x05\xdb\x05\xdc\x05\xdd\x05\xde\x05\xdf\x05\xe0\x05\xe1\x05\xe2\x05\xe3\x05\xe4\x05\xe5\x05\xe6\x05\xe7\x05\xe8\x05\xe9\x05\xea\xff\xfd\xff\xfd \x0e \x0f\xff\xfd \xac\x06~ \x1a\x01\x92 \x1e &   !\x02\xc6 0\x06y 9\x01R\x06\x86\x06\x98\x06\x88\x06\xaf \x18 \x19 \x1c \x1d \" \x13 \x14\x06\xa9!\"\x06\x91 :\x01S \x0c \x0d\x06\xba\x00\xa0\x06\x0c\x00\xa2\x00\xa3\x00\xa4\x00\xa5\x00\xa6\x00\xa7\x00\xa8\x00\xa9\x06\xbe\x00\xab\x00\xac\x00\xad\x00\xae\x00\xaf\x00\xb0\x00\xb1\x00\xb2\x00\xb3\x00\xb4\x00\xb5\x00\xb6\x00\xb7\x00\xb8\x00\xb9\x06\x1b\x00\xbb\x00\xbc\x00\xbd\x00\xbe\x06\x1f\x06\xc1\x06!\x06\"\x06#\x06$\x06%\x06&\x06'\x06(\x06)\x06*\x06+\x06,\x06-\x06.\x06/\x060\x061\x062\x063\x064\x065\x066\x00\xd7\x067\x068\x069\x06:\x06@\x06A\x06B\x06C\x00\xe0\x06D\x00\xe2\x06E\x06F\x06G\x06H\x00\xe7\x00\xe8\x00\xe9\x00\xea\x00\xeb\x06I\x06J\x00\xee\x00\xef\x06K\x06L\x06M\x06N\x00\xf4\x06O\x06P\x00\xf7\x06Q\x00\xf9\x06R\x00\xfb\x00\xfc \x0e \x0f\x06\xd2 \xac\xff\xfd \x1a\xff\xfd \x1e &   !\xff\xfd 0\xff\xfd 9\xff\xfd\x00\xa8\x02\xc7\x00\xb8\xff\xfd \x18 \x19 \x1c \x1d \" \x13 \x14\xff\xfd!\"\xff\xfd :\xff\xfd\x00\xaf\x02\xdb\xff\xfd\x00\xa0\xff\xfd\x00\xa2\x00\xa3\x00\xa4\xff\xfd\x00\xa6\x00\xa7\x00\xd8\x00\xa9\x01V\x00\xab\x00\xac\x00\xad\x00\xae\x00\xc6\x00\xb0\x00\xb1\x00\xb2\x00\xb3\x00\xb4\x00\xb5\x00\xb6\x00\xb7\x00\xf8\x00\xb9\x01W\x00\xbb\x00\xbc\x00\xbd\x00\xbe\x00\xe6\x01\x04\x01.\x01\x00\x01\x06\x00\xc4\x00\xc5\x01\x18\x01\x12\x01\x0c\x00\xc9\x01y\x01\x16\x01\"\x016\x01*\x01;\x01`\x01C\x01E\x00\xd3\x01L\x00\xd5\x00\xd6\x00\xd7\x01r\x01A\x01Z\x01j\x00\xdc\x01{\x01}\x00\xdf\x01\x05\x01/\x01\x01\x01\x07\x00\xe4\x00\xe5\x01\x19\x01\x13\x01\x0d\x00\xe9\x01z\x01\x17\x01#\x017\x01+\x01<\x01a\x01D\x01F\x00\xf3\x01M\x00\xf5\x00\xf6\x00\xf7\x01s\x01B\x01[\x01k\x00\xfc\x01|\x01~\x02\xd9 \xac\xff\xfd \x1a\x01\x92 \x1e &   !\x02\xc6 0\xff\xfd 9\x01R\xff\xfd\xff\xfd\xff\xfd\xff\xfd \x18 \x19 \x1c \x1d \" \x13 \x14\x02\xdc!\"\xff\xfd :\x01S\xff\xfd\xff\xfd\x01x\x00\xa0\x00\xa1\x00\xa2\x00\xa3\x00\xa4\x00\xa5\x00\xa6\x00\xa7\x00\xa8\x00\xa9\x00\xaa\x00\xab\x00\xac\x00\xad\x00\xae\x00\xaf\x00\xb0\x00\xb1\x00\xb2\x00\xb3\x00\xb4\x00\xb5\x00\xb6\x00\xb7\x00\xb8\x00\xb9\x00\xba\x00\xbb\x00\xbc\x00\xbd\x00\xbe\x00\xbf\x00\xc0\x00\xc1\x00\xc2\x01\x02\x00\xc4\x00\xc5\x00\xc6\x00\xc7\x00\xc8\x00\xc9\x00\xca\x00\xcb\x03\x00\x00\xcd\x00\xce\x00\xcf\x01\x10\x00\xd1\x03\x09\x00\xd3\x00\xd4\x01\xa0\x00\xd6\x00\xd7\x00\xd8\x00\xd9\x00\xda\x00\xdb\x00\xdc\x01\xaf\x03\x03\x00\xdf\x00\xe0\x00\xe1\x00\xe2\x01\x03\x00\xe4\x00\xe5\x00\xe6\x00\xe7\x00\xe8\x00\xe9\x00\xea\x00\xeb\x03\x01\x00\xed\x00\xee\x00\xef\x01\x11\x00\xf1\x03#\x00\xf3\x00\xf4\x01\xa1\x00\xf6\x00\xf7\x00\xf8\x00\xf9\x00\xfa\x00\xfb\x00\xfc\x01\xb0 \xab\x00\xff\x00\x80\x00\x81\x00\x82\x00\x83\x00\x84\x00\x85\x00\x86\x00\x87\x00\x88\x00\x89\x00\x8a\x00\x8b\x00\x8c\x00\x8d\x00\x8e\x00\x8f\x00\x90\x00\x91\x00\x92\x00\x93\x00\x94\x00\x95\x00\x96\x00\x97\x00\x98\x00\x99\x00\x9a\x00\x9b\x00\x9c\x00\x9d\x00\x9e\x00\x9f\x00\xa0\x01\x04\x02\xd8\x01A\x00\xa4\x01=\x01Z\x00\xa7\x00\xa8\x01`\x01^\x01d\x01y\x00\xad\x01}\x01{\x00\xb0\x01\x05\x02\xdb\x01B\x00\xb4\x01>\x01[\x02\xc7\x00\xb8\x01a\x01_\x01e\x01z\x02\xdd\x01~\x01|\x01T\x00\xc1\x00\xc2\x01\x02\x00\xc4\x019\x01\x06\x00\xc7\x01\x0c\x00\xc9\x01\x18\x00\xcb\x01\x1a\x00\xcd\x00\xce\x01\x0e\x01\x10\x01C\x01G\x00\xd3\x00\xd4\x01P\x00\xd6\x00\xd7\x01X\x01n\x00\xda\x01p\x00\xdc\x00\xdd\x01b\x00\xdf\x01U\x00\xe1\x00\xe2\x01\x03\x00\xe4\x01:\x01\x07\x00\xe7\x01\x0d\x00\xe9\x01\x19\x00\xeb\x01\x1b\x00\xed\x00\xee\x01\x0f\x01\x11\x01D\x01H\x00\xf3\x00\xf4\x01Q\x00\xf6\x00\xf7\x01Y\x01o\x00\xfa\x01q\x00\xfc\x00\xfd\x01c\x02\xd9\x00\x80\x00\x81\x00\x82\x00\x83\x00\x84\x00\x85\x00\x86\x00\x87\x00\x88\x00\x89\x00\x8a\x00\x8b\x00\x8c\x00\x8d\x00\x8e\x00\x8f\x00\x90\x00\x91\x00\x92\x00\x93\x00\x94\x00\x95\x00\x96\x00\x97\x00\x98\x00\x99\x00\x9a\x00\x9b\x00\x9c\x00\x9d\x00\x9e\x00\x9f\x00\xa0\x01&\x02\xd8\x00\xa3\x00\xa4\xff\xfd\x01$\x00\xa7\x00\xa8\x010\x01^\x01\x1e\x014\x00\xad\xff\xfd\x01{\x00\xb0\x01'\x00\xb2\x00\xb3\x00\xb4\x00\xb5\x01%\x00\xb7\x00\xb8\x011\x01_\x01\x1f\x015\x00\xbd\xff\xfd\x01|\x00\xc0\x00\xc1\x00\xc2\xff\xfd\x00\xc4\x01\n\x01\x08\x00\xc7\x00\xc8\x00\xc9\x00\xca\x00\xcb\x00\xcc\x00\xcd\x00\xce\x00\xcf\xff\xfd\x00\xd1\x00\xd2\x00\xd3\x00\xd4\x01 \x00\xd6\x00\xd7\x01\x1c\x00\xd9\x00\xda\x00\xdb\x00\xdc\x01l\x01\\\x00\xdf\x00\xe0\x00\xe1\x00\xe2\xff\xfd\x00\xe4\x01\x0b\x01\x09\x00\xe7\x00\xe8\x00\xe9\x00\xea\x00\xeb\x00\xec\x00\xed\x00\xee\x00\xef\xff\xfd\x00\xf1\x00\xf2\x00\xf3\x00\xf4\x01!\x00\xf6\x00\xf7\x01\x1d\x00\xf9\x00\xfa\x00\xfb\x00\xfc\x01m\x01]\x02\xd9\x00\x80\x00\x81\x00\x82\x00\x83\x00\x84\x00\x85\x00\x86\x00\x87\x00\x88\x00\x89\x00\x8a\x00\x8b\x00\x8c\x00\x8d\x00\x8e\x00\x8f\x00\x90\x00\x91\x00\x92\x00\x93\x00\x94\x00\x95\x00\x96\x00\x97\x00\x98\x00\x99\x00\x9a\x00\x9b\x00\x9c\x00\x9d\x00\x9e\x00\x9f\x00\xa0\x01\x04\x018\x01V\x00\xa4\x01(\x01;\x00\xa7\x00\xa8\x01`\x01\x12\x01\"\x01f\x00\xad\x01}\x00\xaf\x00\xb0\x01\x05\x02\xdb\x01W\x00\xb4\x01)\x01<\x02\xc7\x00\xb8\x01a\x01\x13\x01#\x01g\x01J\x01~\x01K\x01\x00\x00\xc1\x00\xc2\x00\xc3\x00\xc4\x00\xc5\x00\xc6\x01.\x01\x0c\x00\xc9\x01\x18\x00\xcb\x01\x16\x00\xcd\x00\xce\x01*\x01\x10\x01E\x01L\x016\x00\xd4\x00\xd5\x00\xd6\x00\xd7\x00\xd8\x01r\x00\xda\x00\xdb\x00\xdc\x01h\x01j\x00\xdf\x01\x01\x00\xe1\x00\xe2\x00\xe3\x00\xe4\x00\xe5\x00\xe6\x01/\x01\x0d\x00\xe9\x01\x19\x00\xeb\x01\x17\x00\xed\x00\xee\x01+\x01\x11\x01F\x01M\x017\x00\xf4\x00\xf5\x00\xf6\x00\xf7\x00\xf8\x01s\x00\xfa\x00\xfb\x00\xfc\x01i\x01k\x02\xd9\x00\x80\x00\x81\x00\x82\x00\x83\x00\x84\x00\x85\x00\x86\x00\x87\x00\x88\x00\x89\x00\x8a\x00\x8b\x00\x8c\x00\x8d\x00\x8e\x00\x8f\x00\x90\x00\x91\x00\x92\x00\x93\x00\x94\x00\x95\x00\x96\x00\x97\x00\x98\x00\x99\x00\x9a\x00\x9b\x00\x9c\x00\x9d\x00\x9e\x00\x9f\x00\xa0\x04\x01\x04\x02\x04\x03\x04\x04\x04\x05\x04\x06\x04\x07\x04\x08\x04\x09\x04\n\x04\x0b\x04\x0c\x00\xad\x04\x0e\x04\x0f\x04\x10\x04\x11\x04\x12\x04\x13\x04\x14\x04\x15\x04\x16\x04\x17\x04\x18\x04\x19\x04\x1a\x04\x1b\x04\x1c\x04\x1d\x04\x1e\x04\x1f\x04 \x04!\x04\"\x04#\x04$\x04%\x04&\x04'\x04(\x04)\x04*\x04+\x04,\x04-\x04.\x04/\x040\x041\x042\x043\x044\x045\x046\x047\x048\x049\x04:\x04;\x04<\x04=\x04>\x04?\x04@\x04A\x04B\x04C\x04D\x04E\x04F\x04G\x04H\x04I\x04J\x04K\x04L\x04M\x04N\x04O!\x16\x04Q\x04R\x04S\x04T\x04U\x04V\x04W\x04X\x04Y\x04Z\x04[\x04\\\x00\xa7\x04^\x04_\x00\x80\x00\x81\x00\x82\x00\x83\x00\x84\x00\x85\x00\x86\x00\x87\x00\x88\x00\x89\x00\x8a\x00\x8b\x00\x8c\x00\x8d\x00\x8e\x00\x8f\x00\x90\x00\x91\x00\x92\x00\x93\x00\x94\x00\x95\x00\x96\x00\x97\x00\x98\x00\x99\x00\x9a\x00\x9b\x00\x9c\x00\x9d\x00\x9e\x00\x9f\x00\xa0\xff\xfd\xff\xfd\xff\xfd\x00\xa4\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\x06\x0c\x00\xad\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\x06\x1b\xff\xfd\xff\xfd\xff\xfd\x06\x1f\xff\xfd\x06!\x06\"\x06#\x06$\x06%\x06&\x06'\x06(\x06)\x06*\x06+\x06,\x06-\x06.\x06/\x060\x061\x062\x063\x064\x065\x066\x067\x068\x069\x06:\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\x06@\x06A\x06B\x06C\x06D\x06E\x06F\x06G\x06H\x06I\x06J\x06K\x06L\x06M\x06N\x06O\x06P\x06Q\x06R\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\x00\x80\x00\x81\x00\x82\x00\x83\x00\x84\x00\x85\x00\x86\x00\x87\x00\x88\x00\x89\x00\x8a\x00\x8b\x00\x8c\x00\x8d\x00\x8e\x00\x8f\x00\x90\x00\x91\x00\x92\x00\x93\x00\x94\x00\x95\x00\x96\x00\x97\x00\x98\x00\x99\x00\x9a\x00\x9b\x00\x9c\x00\x9d\x00\x9e\x00\x9f\x00\xa0 \x18 \x19\x00\xa3 \xac \xaf\x00\xa6\x00\xa7\x00\xa8\x00\xa9\x03z\x00\xab\x00\xac\x00\xad\xff\xfd \x15\x00\xb0\x00\xb1\x00\xb2\x00\xb3\x03\x84\x03\x85\x03\x86\x00\xb7\x03\x88\x03\x89\x03\x8a\x00\xbb\x03\x8c\x00\xbd\x03\x8e\x03\x8f\x03\x90\x03\x91\x03\x92\x03\x93\x03\x94\x03\x95\x03\x96\x03\x97\x03\x98\x03\x99\x03\x9a\x03\x9b\x03\x9c\x03\x9d\x03\x9e\x03\x9f\x03\xa0\x03\xa1\xff\xfd\x03\xa3\x03\xa4\x03\xa5\x03\xa6\x03\xa7\x03\xa8\x03\xa9\x03\xaa\x03\xab\x03\xac\x03\xad\x03\xae\x03\xaf\x03\xb0\x03\xb1\x03\xb2\x03\xb3\x03\xb4\x03\xb5\x03\xb6\x03\xb7\x03\xb8\x03\xb9\x03\xba\x03\xbb\x03\xbc\x03\xbd\x03\xbe\x03\xbf\x03\xc0\x03\xc1\x03\xc2\x03\xc3\x03\xc4\x03\xc5\x03\xc6\x03\xc7\x03\xc8\x03\xc9\x03\xca\x03\xcb\x03\xcc\x03\xcd\x03\xce\xff\xfd\x00\x80\x00\x81\x00\x82\x00\x83\x00\x84\x00\x85\x00\x86\x00\x87\x00\x88\x00\x89\x00\x8a\x00\x8b\x00\x8c\x00\x8d\x00\x8e\x00\x8f\x00\x90\x00\x91\x00\x92\x00\x93\x00\x94\x00\x95\x00\x96\x00\x97\x00\x98\x00\x99\x00\x9a\x00\x9b\x00\x9c\x00\x9d\x00\x9e\x00\x9f\x00\xa0\xff\xfd\x00\xa2\x00\xa3\x00\xa4\x00\xa5\x00\xa6\x00\xa7\x00\xa8\x00\xa9\x00\xd7\x00\xab\x00\xac\x00\xad\x00\xae\x00\xaf\x00\xb0\x00\xb1\x00\xb2\x00\xb3\x00\xb4\x00\xb5\x00\xb6\x00\xb7\x00\xb8\x00\xb9\x00\xf7\x00\xbb\x00\xbc\x00\xbd\x00\xbe\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd \x17\x05\xd0\x05\xd1\x05\xd2\x05\xd3\x05\xd4\x05\xd5\x05\xd6\x05\xd7\x05\xd8\x05\xd9\x05\xda\x05\xdb\x05\xdc\x05\xdd\x05\xde\x05\xdf\x05\xe0\x05\xe1\x05\xe2\x05\xe3\x05\xe4\x05\xe5\x05\xe6\x05\xe7\x05\xe8\x05\xe9\x05\xea\xff\xfd\xff\xfd \x0e \x0f\xff\xfd\x00\x80\x00\x81\x00\x82\x00\x83\x00\x84\x00\x85\x00\x86\x00\x87\x00\x88\x00\x89\x00\x8a\x00\x8b\x00\x8c\x00\x8d\x00\x8e\x00\x8f\x00\x90\x00\x91\x00\x92\x00\x93\x00\x94\x00\x95\x00\x96\x00\x97\x00\x98\x00\x99\x00\x9a\x00\x9b\x00\x9c\x00\x9d\x00\x9e\x00\x9f\x00\xa0\x00\xa1\x00\xa2\x00\xa3\x00\xa4\x00\xa5\x00\xa6\x00\xa7\x00\xa8\x00\xa9\x00\xaa\x00\xab\x00\xac\x00\xad\x00\xae\x00\xaf\x00\xb0\x00\xb1\x00\xb2\x00\xb3\x00\xb4\x00\xb5\x00\xb6\x00\xb7\x00\xb8\x00\xb9\x00\xba\x00\xbb\x00\xbc\x00\xbd\x00\xbe\x00\xbf\x00\xc0\x00\xc1\x00\xc2\x00\xc3\x00\xc4\x00\xc5\x00\xc6\x00\xc7\x00\xc8\x00\xc9\x00\xca\x00\xcb\x00\xcc\x00\xcd\x00\xce\x00\xcf\x01\x1e\x00\xd1\x00\xd2\x00\xd3\x00\xd4\x00\xd5\x00\xd6\x00\xd7\x00\xd8\x00\xd9\x00\xda\x00\xdb\x00\xdc\x010\x01^\x00\xdf\x00\xe0\x00\xe1\x00\xe2\x00\xe3\x00\xe4\x00\xe5\x00\xe6\x00\xe7\x00\xe8\x00\xe9\x00\xea\x00\xeb\x00\xec\x00\xed\x00\xee\x00\xef\x01\x1f\x00\xf1\x00\xf2\x00\xf3\x00\xf4\x00\xf5\x00\xf6\x00\xf7\x00\xf8\x00\xf9\x00\xfa\x00\xfb\x00\xfc\x011\x01_\x00\xff\x00\x80\x00\x81\x00\x82\x00\x83\x00\x84\x00\x85\x00\x86\x00\x87\x00\x88\x00\x89\x00\x8a\x00\x8b\x00\x8c\x00\x8d\x00\x8e\x00\x8f\x00\x90\x00\x91\x00\x92\x00\x93\x00\x94\x00\x95\x00\x96\x00\x97\x00\x98\x00\x99\x00\x9a\x00\x9b\x00\x9c\x00\x9d\x00\x9e\x00\x9f\x00\xa0\x01\x04\x01\x12\x01\"\x01*\x01(\x016\x00\xa7\x01;\x01\x10\x01`\x01f\x01}\x00\xad\x01j\x01J\x00\xb0\x01\x05\x01\x13\x01#\x01+\x01)\x017\x00\xb7\x01<\x01\x11\x01a\x01g\x01~ \x15\x01k\x01K\x01\x00\x00\xc1\x00\xc2\x00\xc3\x00\xc4\x00\xc5\x00\xc6\x01.\x01\x0c\x00\xc9\x01\x18\x00\xcb\x01\x16\x00\xcd\x00\xce\x00\xcf\x00\xd0\x01E\x01L\x00\xd3\x00\xd4\x00\xd5\x00\xd6\x01h\x00\xd8\x01r\x00\xda\x00\xdb\x00\xdc\x00\xdd\x00\xde\x00\xdf\x01\x01\x00\xe1\x00\xe2\x00\xe3\x00\xe4\x00\xe5\x00\xe6\x01/\x01\x0d\x00\xe9\x01\x19\x00\xeb\x01\x17\x00\xed\x00\xee\x00\xef\x00\xf0\x01F\x01M\x00\xf3\x00\xf4\x00\xf5\x00\xf6\x01i\x00\xf8\x01s\x00\xfa\x00\xfb\x00\xfc\x00\xfd\x00\xfe\x018\x00\x80\x00\x81\x00\x82\x00\x83\x00\x84\x00\x85\x00\x86\x00\x87\x00\x88\x00\x89\x00\x8a\x00\x8b\x00\x8c\x00\x8d\x00\x8e\x00\x8f\x00\x90\x00\x91\x00\x92\x00\x93\x00\x94\x00\x95\x00\x96\x00\x97\x00\x98\x00\x99\x00\x9a\x00\x9b\x00\x9c\x00\x9d\x00\x9e\x00\x9f\x00\xa0\x0e\x01\x0e\x02\x0e\x03\x0e\x04\x0e\x05\x0e\x06\x0e\x07\x0e\x08\x0e\x09\x0e\n\x0e\x0b\x0e\x0c\x0e\x0d\x0e\x0e\x0e\x0f\x0e\x10\x0e\x11\x0e\x12\x0e\x13\x0e\x14\x0e\x15\x0e\x16\x0e\x17\x0e\x18\x0e\x19\x0e\x1a\x0e\x1b\x0e\x1c\x0e\x1d\x0e\x1e\x0e\x1f\x0e \x0e!\x0e\"\x0e#\x0e$\x0e%\x0e&\x0e'\x0e(\x0e)\x0e*\x0e+\x0e,\x0e-\x0e.\x0e/\x0e0\x0e1\x0e2\x0e3\x0e4\x0e5\x0e6\x0e7\x0e8\x0e9\x0e:\xff\xfd\xff\xfd\xff\xfd\xff\xfd\x0e?\x0e@\x0eA\x0eB\x0eC\x0eD\x0eE\x0eF\x0eG\x0eH\x0eI\x0eJ\x0eK\x0eL\x0eM\x0eN\x0eO\x0eP\x0eQ\x0eR\x0eS\x0eT\x0eU\x0eV\x0eW\x0eX\x0eY\x0eZ\x0e[\xff\xfd\xff\xfd\xff\xfd\xff\xfd\x00\x80\x00\x81\x00\x82\x00\x83\x00\x84\x00\x85\x00\x86\x00\x87\x00\x88\x00\x89\x00\x8a\x00\x8b\x00\x8c\x00\x8d\x00\x8e\x00\x8f\x00\x90\x00\x91\x00\x92\x00\x93\x00\x94\x00\x95\x00\x96\x00\x97\x00\x98\x00\x99\x00\x9a\x00\x9b\x00\x9c\x00\x9d\x00\x9e\x00\x9f\x00\xa0 \x1d\x00\xa2\x00\xa3\x00\xa4 \x1e\x00\xa6\x00\xa7\x00\xd8\x00\xa9\x01V\x00\xab\x00\xac\x00\xad\x00\xae\x00\xc6\x00\xb0\x00\xb1\x00\xb2\x00\xb3 \x1c\x00\xb5\x00\xb6\x00\xb7\x00\xf8\x00\xb9\x01W\x00\xbb\x00\xbc\x00\xbd\x00\xbe\x00\xe6\x01\x04\x01.\x01\x00\x01\x06\x00\xc4\x00\xc5\x01\x18\x01\x12\x01\x0c\x00\xc9\x01y\x01\x16\x01\"\x016\x01*\x01;\x01`\x01C\x01E\x00\xd3\x01L\x00\xd5\x00\xd6\x00\xd7\x01r\x01A\x01Z\x01j\x00\xdc\x01{\x01}\x00\xdf\x01\x05\x01/\x01\x01\x01\x07\x00\xe4\x00\xe5\x01\x19\x01\x13\x01\x0d\x00\xe9\x01z\x01\x17\x01#\x017\x01+\x01<\x01a\x01D\x01F\x00\xf3\x01M\x00\xf5\x00\xf6\x00\xf7\x01s\x01B\x01[\x01k\x00\xfc\x01|\x01~ \x19\x00\x80\x00\x81\x00\x82\x00\x83\x00\x84\x00\x85\x00\x86\x00\x87\x00\x88\x00\x89\x00\x8a\x00\x8b\x00\x8c\x00\x8d\x00\x8e\x00\x8f\x00\x90\x00\x91\x00\x92\x00\x93\x00\x94\x00\x95\x00\x96\x00\x97\x00\x98\x00\x99\x00\x9a\x00\x9b\x00\x9c\x00\x9d\x00\x9e\x00\x9f\x00\xa0\x1e\x02\x1e\x03\x00\xa3\x01\n\x01\x0b\x1e\n\x00\xa7\x1e\x80\x00\xa9\x1e\x82\x1e\x0b\x1e\xf2\x00\xad\x00\xae\x01x\x1e\x1e\x1e\x1f\x01 \x01!\x1e@\x1eA\x00\xb6\x1eV\x1e\x81\x1eW\x1e\x83\x1e`\x1e\xf3\x1e\x84\x1e\x85\x1ea\x00\xc0\x00\xc1\x00\xc2\x00\xc3\x00\xc4\x00\xc5\x00\xc6\x00\xc7\x00\xc8\x00\xc9\x00\xca\x00\xcb\x00\xcc\x00\xcd\x00\xce\x00\xcf\x01t\x00\xd1\x00\xd2\x00\xd3\x00\xd4\x00\xd5\x00\xd6\x1ej\x00\xd8\x00\xd9\x00\xda\x00\xdb\x00\xdc\x00\xdd\x01v\x00\xdf\x00\xe0\x00\xe1\x00\xe2\x00\xe3\x00\xe4\x00\xe5\x00\xe6\x00\xe7\x00\xe8\x00\xe9\x00\xea\x00\xeb\x00\xec\x00\xed\x00\xee\x00\xef\x01u\x00\xf1\x00\xf2\x00\xf3\x00\xf4\x00\xf5\x00\xf6\x1ek\x00\xf8\x00\xf9\x00\xfa\x00\xfb\x00\xfc\x00\xfd\x01w\x00\xff\x00\x80\x00\x81\x00\x82\x00\x83\x00\x84\x00\x85\x00\x86\x00\x87\x00\x88\x00\x89\x00\x8a\x00\x8b\x00\x8c\x00\x8d\x00\x8e\x00\x8f\x00\x90\x00\x91\x00\x92\x00\x93\x00\x94\x00\x95\x00\x96\x00\x97\x00\x98\x00\x99\x00\x9a\x00\x9b\x00\x9c\x00\x9d\x00\x9e\x00\x9f\x00\xa0\x00\xa1\x00\xa2\x00\xa3 \xac\x00\xa5\x01`\x00\xa7\x01a\x00\xa9\x00\xaa\x00\xab\x00\xac\x00\xad\x00\xae\x00\xaf\x00\xb0\x00\xb1\x00\xb2\x00\xb3\x01}\x00\xb5\x00\xb6\x00\xb7\x01~\x00\xb9\x00\xba\x00\xbb\x01R\x01S\x01x\x00\xbf\x00\xc0\x00\xc1\x00\xc2\x00\xc3\x00\xc4\x00\xc5\x00\xc6\x00\xc7\x00\xc8\x00\xc9\x00\xca\x00\xcb\x00\xcc\x00\xcd\x00\xce\x00\xcf\x00\xd0\x00\xd1\x00\xd2\x00\xd3\x00\xd4\x00\xd5\x00\xd6\x00\xd7\x00\xd8\x00\xd9\x00\xda\x00\xdb\x00\xdc\x00\xdd\x00\xde\x00\xdf\x00\xe0\x00\xe1\x00\xe2\x00\xe3\x00\xe4\x00\xe5\x00\xe6\x00\xe7\x00\xe8\x00\xe9\x00\xea\x00\xeb\x00\xec\x00\xed\x00\xee\x00\xef\x00\xf0\x00\xf1\x00\xf2\x00\xf3\x00\xf4\x00\xf5\x00\xf6\x00\xf7\x00\xf8\x00\xf9\x00\xfa\x00\xfb\x00\xfc\x00\xfd\x00\xfe\x00\xff\x00\x80\x00\x81\x00\x82\x00\x83\x00\x84\x00\x85\x00\x86\x00\x87\x00\x88\x00\x89\x00\x8a\x00\x8b\x00\x8c\x00\x8d\x00\x8e\x00\x8f\x00\x90\x00\x91\x00\x92\x00\x93\x00\x94\x00\x95\x00\x96\x00\x97\x00\x98\x00\x99\x00\x9a\x00\x9b\x00\x9c\x00\x9d\x00\x9e\x00\x9f\x00\xa0\x01\x04\x01\x05\x01A \xac \x1e\x01`\x00\xa7\x01a\x00\xa9\x02\x18\x00\xab\x01y\x00\xad\x01z\x01{\x00\xb0\x00\xb1\x01\x0c\x01B\x01} \x1d\x00\xb6\x00\xb7\x01~\x01\x0d\x02\x19\x00\xbb\x01R\x01S\x01x\x01|\x00\xc0\x00\xc1\x00\xc2\x01\x02\x00\xc4\x01\x06\x00\xc6\x00\xc7\x00\xc8\x00\xc9\x00\xca\x00\xcb\x00\xcc\x00\xcd\x00\xce\x00\xcf\x01\x10\x01C\x00\xd2\x00\xd3\x00\xd4\x01P\x00\xd6\x01Z\x01p\x00\xd9\x00\xda\x00\xdb\x00\xdc\x01\x18\x02\x1a\x00\xdf\x00\xe0\x00\xe1\x00\xe2\x01\x03\x00\xe4\x01\x07\x00\xe6\x00\xe7\x00\xe8\x00\xe9\x00\xea\x00\xeb\x00\xec\x00\xed\x00\xee\x00\xef\x01\x11\x01D\x00\xf2\x00\xf3\x00\xf4\x01Q\x00\xf6\x01[\x01q\x00\xf9\x00\xfa\x00\xfb\x00\xfc\x01\x19\x02\x1b\x00\xff \xac\xff\xfd\xff\xfd\xff\xfd\xff\xfd &\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd \x18 \x19 \x1c \x1d \" \x13 \x14\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\xff\xfd\x00\xa0\x0e\x01\x0e\x02\x0e\x03\x0e\x04\x0e\x05\x0e\x06\x0e\x07\x0e\x08\x0e\x09\x0e\n\x0e\x0b\x0e\x0c\x0e\x0d\x0e\x0e\x0e\x0f\x0e\x10\x0e\x11\x0e\x12\x0e\x13\x0e\x14\x0e\x15\x0e\x16\x0e\x17\x0e\x18\x0e\x19\x0e\x1a\x0e\x1b\x0e\x1c\x0e\x1d\x0e\x1e\x0e\x1f\x0e \x0e!\x0e\"\x0e#\x0e$\x0e%\x0e&\x0e'\x0e(\x0e)\x0e*\x0e+\x0e,\x0e-\x0e.\x0e/\x0e0\x0e1\x0e2\x0e3\x0e4\x0e5\x0e6\x0e7\x0e8\x0e9\x0e:\xff\xfd\xff\xfd\xff\xfd\xff\xfd\x0e?\x0e@\x0eA\x0eB\x0eC\x0eD\x0eE\x0eF\x0eG\x0eH\x0eI\x0eJ\x0eK\x0eL\x0eM\x0eN\x0eO\x0eP\x0eQ\x0eR\x0eS\x0eT\x0eU\x0eV\x0eW\x0eX\x0eY\x0eZ\x0e[\xff\xfd\xff\xfd\xff\xfd\xff\xfd\x04\x10\x04\x11\x04\x12\x04\x13\x04\x14\x04\x15\x04\x16\x04\x17\x04\x18\x04\x19\x04\x1a\x04\x1b\x04\x1c\x04\x1d\x04\x1e\x04\x1f\x04 \x04!\x04\"\x04#\x04$\x04%\x04&\x04'\x04(\x04)\x04*\x04+\x04,\x04-\x04.\x04/\x040\x041\x042\x043\x044\x045\x046\x047\x048\x049\x04:\x04;\x04<\x04=\x04>\x04?%\x91%\x92%\x93%\x02%$%a%b%V%U%c%Q%W%]%\\%[%\x10%\x14%4%,%\x1c%\x00%<%^%_%Z%T%i%f%`%P%l%g%h%d%e%Y%X%R%S%k%j%\x18%\x0c%\x88%\x84%\x8c%\x90%\x80\x04@\x04A\x04B\x04C\x04D\x04E\x04F\x04G\x04H\x04I\x04J\x04K\x04L\x04M\x04N\x04O\x04\x01\x04Q\x04\x04\x04T\x04\x07\x04W\x04\x0e\x04^\x00\xb0\"\x19\x00\xb7\"\x1a!\x16\x00\xa4%\xa0\x00\xa0";if(S.read("s9cs")!==t&&!S.write("s9cs",t))throw new Error("s9app: Storage is full, s9cs needs "+t.length+" bytes")})();
// $c(name): the carried module's function; $c(name, 1): require() it, added to the module cache first; $c(name, 2): drop it
function $c(n,o){var f=n=="s9box"?function(){
// src/app/outbox.ts
var $s9mail=require("s9mail"),bad=$s9mail.bad,err=$s9mail.err,run=$s9mail.run;
var $s9app=require("s9app"),drop=$s9app.drop;
var S = require("Storage");
function isPermanent(e) {
  return !!e && /^E_PARAM$|^E_ATTACHMENT$|^E_SMTP_BAD_RECIPIENT$|^E_SMTP_AUTH_FAILED$|^E_SMTP_NOT_AUTHENTICATED$|^E_NO_TLS$/.test(e.code);
}
function file(kind, id) {
  return kind + (1e8 + id + "").substr(1);
}
function add(alert) {
  const a = alert && alert.attachment;
  const id = Math.max(parseInt(S.read("obseq")) || 0, pending().pop() || 0, pending("ox").pop() || 0) + 1;
  const rec = { id, subject: alert && alert.subject, body: alert && alert.body, tries: 0 };
  if (typeof rec.subject != "string" || typeof rec.body != "string") throw bad("alert", "needs a string subject and body");
  if (a && (typeof a.name != "string" || a.data === void 0 && S.read(a.file, 0, 0) === void 0)) throw bad("alert.attachment", "needs a name and data, or a Storage file that exists");
  try {
    if (a) {
      rec.att = { name: a.name, type: a.type, file: a.file, own: a.data !== void 0 };
      if (rec.att.own) S.write(rec.att.file = file("oa", id), a.data);
    }
    S.write(file("ob", id), JSON.stringify(rec));
  } catch (x) {
    if (rec.att && rec.att.own) S.erase(rec.att.file);
    throw err("E_STORAGE", "Storage is full (" + S.getFree() + " bytes free): the alert was not queued");
  }
  keep("obseq", "" + id);
  return id;
}
function keep(name, text) {
  try {
    return S.write(name, text) !== false;
  } catch (x) {
    return false;
  }
}
function pending(kind) {
  return S.list(new RegExp("^" + (kind || "ob") + "\\d")).sort().map(function(n) {
    return +n.substr(2);
  });
}
function failed() {
  return pending("ox").map(function(id) {
    return S.readJSON(file("ox", id), true);
  });
}
function recover() {
  pending("oa").forEach(function(id) {
    if (S.read(file("ob", id), 0, 0) === void 0 && S.read(file("ox", id), 0, 0) === void 0) S.erase(file("oa", id));
  });
}
function work(app) {
  const c = app.cfg();
  const now = Date.now();
  const all = pending();
  let wait = 1e12;
  let id = 0;
  const again = function(ms) {
    app.busy = false;
    app.N = setTimeout(function() {
      app.kick();
    }, ms);
  };
  for (let i = 0; i < all.length && !id; i++) {
    const t = (app.R[all[i]] || 0) - now;
    if (t <= 0) id = all[i];
    else wait = Math.min(wait, t);
  }
  if (!id) {
    app.busy = false;
    drop("s9box");
    if (app.Q) app.Q = false, app.S();
    app.P();
    return all.length ? again(wait) : app.emit("idle");
  }
  const rec = S.readJSON(file("ob", id), true);
  if (!rec) return again(0);
  app.emit("sending", id);
  const fin = function(e) {
    app.O = Date.now();
    if (e) rec.error = { code: e.code, message: e.message };
    if (!e || isPermanent(e) && keep(file("ox", id), JSON.stringify(rec))) {
      S.erase(file("ob", id));
      if (!e && rec.att && rec.att.own) S.erase(rec.att.file);
      delete app.R[id];
      app.emit(e ? "failed" : "sent", id, e);
    } else {
      rec.tries++;
      keep(file("ob", id), JSON.stringify(rec));
      app.R[id] = Date.now() + Math.min(c.retryCap || 18e5, (c.retryBase || 3e4) * Math.pow(2, Math.min(rec.tries - 1, 20)));
      app.emit("retry", id, e);
    }
    again(0);
  };
  const go = function(e, m) {
    const a = rec.att;
    if (e) return app.Q = false, fin(e);
    if (a && S.read(a.file, 0, 0) === void 0) return fin(err("E_ATTACHMENT", 'attachment file "' + a.file + '" is gone'));
    m.sendMail({
      to: c.to,
      cc: c.cc,
      bcc: c.bcc,
      subject: rec.subject + " [alert " + id + "]",
      body: rec.body,
      attachment: a && { name: a.name, type: a.type, file: a.file },
      onProgress: function(sent, total) {
        app.O = Date.now();
        app.emit("progress", id, [sent, total]);
      }
    }, fin);
  };
  if (app.Q) go(null, app.mail);
  else app.Q = true, app.T(go);
}
function up(app, m, cb) {
  const b = app.board;
  const c = app.cfg();
  const o = c.modem || {};
  const bauds = [c.baud || b.baud].concat(o.bauds || []);
  let i = 0;
  let pulsed = !b.pwrkey;
  const steps = [
    function(_x, next) {
      const pulse = function() {
        pulsed = true;
        i = 0;
        digitalWrite(b.pwrkey, 1);
        setTimeout(function() {
          digitalWrite(b.pwrkey, 0);
          setTimeout(probe, 3e3);
        }, 1200);
      };
      const probe = function() {
        const baud = bauds[i++];
        if (!baud) return pulsed ? next(err("E_NORESPONSE", "the module does not answer AT")) : pulse();
        if (i > 1) app.serial.setup(baud, { tx: b.tx, rx: b.rx, path: c.path || b.path });
        app.serial.write("\x1B");
        m.at.resync(function(e) {
          if (e) return probe();
          if (baud == bauds[0]) return next();
          m.g("AT+IPR=" + bauds[0], null, function(e2) {
            if (e2) return next(e2);
            app.serial.setup(bauds[0], { tx: b.tx, rx: b.rx, path: c.path || b.path });
            m.at.resync(next);
          });
        });
      };
      b.status && !digitalRead(b.status) && !pulsed ? pulse() : probe();
    }
  ];
  [["CPIN", "READY", "PIN|PUK", "simWait", 3e4], ["CREG", ",[15]$", ",3$", "registerWait", 6e4], ["CGATT", "1", "$^", "attachWait", 6e4]].forEach(function(w) {
    steps.push(function(_x, next) {
      const until = Date.now() + (o[w[3]] || w[4]);
      (function ask() {
        m.g("AT+" + w[0] + "?", { prefix: "+" + w[0] + ":" }, function(e, d) {
          const v = d ? (d.lines[0] || "").substr(w[0].length + 2).trim() : "";
          const no = err(w[0] == "CPIN" ? "E_SIM" : "E_NETWORK", "AT+" + w[0] + '? answered "' + v + '"', { detail: v });
          if (e && e.code == "E_CLOSED") return next(e);
          if (!e && new RegExp(w[1]).test(v)) return next();
          if (!e && new RegExp(w[2]).test(v) || Date.now() > until) return next(no);
          setTimeout(ask, o.poll || 2e3);
        });
      })();
    });
  });
  run(steps, {}, cb);
}
exports.add=add;exports.failed=failed;exports.isPermanent=isPermanent;exports.pending=pending;exports.recover=recover;exports.up=up;exports.work=work;
}:
n=="s9inbox"?function(){
// src/app/inbox.ts
function poll(app, cb) {
  const o = app.cfg().inbox || {};
  const S = require("Storage");
  let box = null;
  let used = false;
  let handled = 0;
  let todo = [];
  const fin = function(e) {
    const done = function(e2) {
      if (used) app.S();
      app.P();
      cb(e || e2 || null, handled);
    };
    box ? box.logout(done) : done();
  };
  const next = function(e) {
    const item = todo.shift();
    if (e || !item) return fin(e);
    box.size(item.n, function(e0, size) {
      if (e0) return fin(e0);
      const msg = { uid: item.uid, n: item.n, size, headers: null, texts: [], attachments: [], flags: [] };
      let att = null;
      let got = 0;
      const reader = new (require(("s9mime"))).MimeReader({
        maxText: o.maxText || 2048,
        onHeaders: function(h) {
          msg.headers = msg.headers || h;
        },
        onText: function(t) {
          msg.texts.push(t);
        },
        onAttachmentStart: function(info) {
          att = o.saveAttachments === false ? null : { name: info.name, type: info.type, file: ("in" + msg.attachments.length + item.uid.substr(Math.max(0, item.uid.length - 20))).substr(0, 28), size: 0 };
          if (att) msg.attachments.push(att);
        },
        onAttachmentData: function(chunk) {
          if (att) S.write(att.file, chunk, att.size, att.size ? void 0 : size);
          if (att) att.size += chunk.length;
        }
      });
      box.retrieve(item.n, function(chunk) {
        reader.write(chunk);
        app.emit("progress", "in", [got += chunk.length, size]);
      }, function(e1) {
        if (e1) return fin(e1);
        reader.end();
        msg.flags = reader.flags;
        (app.onMail || function(m, done) {
          app.emit("mail", m);
          done();
        })(msg, function(herr) {
          if (herr) return next();
          const seen = S.readJSON("inseen", true) || [];
          handled++;
          seen.push(item.uid);
          S.writeJSON("inseen", seen.slice(-(o.remember || 50)));
          o.deleteAfter ? box.remove(item.n, next) : next();
        });
      });
    });
  };
  app.T(function(e, m) {
    if (e) return fin(e);
    used = true;
    m.pop3Login(function(e1, b) {
      if (e1) return fin(e1);
      box = b;
      b.uidl(function(e2, list) {
        const seen = S.readJSON("inseen", true) || [];
        todo = (list || []).filter(function(x) {
          return seen.indexOf(x.uid) < 0;
        });
        next(e2);
      });
    });
  });
}
exports.poll=poll;
}:
n=="s9mime"?function(){
// src/mime/charset.ts
var WIDE_STRINGS = String.fromCharCode.apply(null, [384]).charCodeAt(0) === 384;
function addFlag(flags, f) {
  for (var one of [].concat(f)) if (flags && flags.indexOf(one) < 0 && flags.length < 32) flags.push(one);
}
function decodeCharset(s, cs, flags) {
  var name = " " + ((cs || "").toLowerCase().replace(/[^a-z0-9]/g, "") || "utf8") + " ";
  var at = " utf8 usascii ascii ansix341968 us | iso88591 latin1 l1 iso885911987 cp819 | windows1252 cp1252 xcp1252 |".indexOf(name);
  var ascii = !/[\x80-\xff]/.test(s);
  var tab = 0;
  if (at < 0) {
    var S = require("Storage");
    var all = S.read("s9cs");
    var e = all ? all.indexOf("\n") : -1;
    var lab = e > 0 ? all.indexOf(name) : -1;
    if (lab >= 0 && lab < e) {
      for (var g = 0, j = all.indexOf("|"); j >= 0 && j < lab; j = all.indexOf("|", j + 1)) g++;
      if (!ascii) tab = S.read("s9cs", e + 1 + g * 256, 256);
      at = 999;
    }
  }
  if (at < 0) {
    if (flags === void 0) return null;
    addFlag(flags, "charset-raw:" + cs.toLowerCase());
    return s;
  }
  if (ascii) return s;
  var bytes = function(v) {
    return typeof E != "undefined" ? E.toUint8Array(v) : v.split("").map((ch) => ch.charCodeAt(0) & 255);
  };
  if (tab) tab = bytes(tab);
  var b = bytes(s);
  var n = b.length;
  var out = "";
  var u = [];
  var i = 0;
  while (i < n) {
    var c = b[i++];
    if (c > 127 && tab) c = tab[c * 2 - 256] << 8 | tab[c * 2 - 255];
    else if (c > 127 && at > 35) {
      var cp1252 = ' \xAC\0\0 \x1a\x01\x92 \x1e &   !\x02\xC6 0\x01` 9\x01R\0\0\x01}\0\0\0\0 \x18 \x19 \x1c \x1d " \x13 \x14\x02\xDC!"\x01a :\x01S\0\0\x01~\x01x';
      if (at > 75 && c < 160) c = cp1252.charCodeAt(c * 2 - 256) << 8 | cp1252.charCodeAt(c * 2 - 255) || c;
    } else if (c > 127) {
      var need = c < 194 || c > 244 ? 0 : c < 224 ? 1 : c < 240 ? 2 : 3;
      var lo = c == 224 ? 160 : c == 240 ? 144 : 128;
      var hi = c == 237 ? 159 : c == 244 ? 143 : 191;
      for (c = need ? c & 63 >> need : 65533; need--; lo = 128, hi = 191) {
        var d = b[i];
        if (!(d >= lo && d <= hi)) {
          c = 65533;
          break;
        }
        c = c << 6 | d & 63;
        i++;
      }
    }
    if (!WIDE_STRINGS && c > 127) {
      var k = c < 2048 ? 1 : c < 65536 ? 2 : 3;
      u.push(65280 >> k + 1 & 255 | c >> 6 * k);
      while (k) u.push(128 | c >> 6 * --k & 63);
    } else if (c > 65535) u.push(55232 + (c >> 10), 56320 + (c & 1023));
    else u.push(c);
    if (u.length > 199 || i >= n) {
      out += String.fromCharCode.apply(null, u);
      u = [];
    }
  }
  return out;
}
function decodeRaw(s, flags) {
  var u = decodeCharset(s);
  if (u == s) return u;
  var k = s.indexOf("\xEF\xBF\xBD");
  if (u.indexOf(WIDE_STRINGS ? String.fromCharCode.apply(null, [65533]) : "\xEF\xBF\xBD") < 0 || k >= 0 && k + 3 <= s.length) return u;
  addFlag(flags, "header-8bit");
  return decodeCharset(s, "windows-1252");
}

// src/mime/header.ts
function b64bytes(s, flags) {
  s = s.replace(/[^A-Za-z0-9+\/]/g, "");
  if ((s.length & 3) == 1) {
    addFlag(flags, "bad-base64");
    s = s.slice(0, -1);
  }
  return atob(s);
}
function hexByte(_, hex) {
  return String.fromCharCode(parseInt(hex, 16));
}
function decodeWords(s, flags) {
  var out = "";
  var p = 0;
  var pend = "";
  var pendCs = "";
  for (; ; ) {
    var i = s.indexOf("=?", p);
    var q = s.indexOf("?", i + 2);
    var end = s.indexOf("?=", q + 3);
    var enc = s.charAt(q + 1).toUpperCase();
    var ok = i >= 0 && q > i + 2 && s[q + 2] == "?" && end > q + 2 && s[end + 1] == "=" && (enc == "B" || enc == "Q") && !/\s/.test(s.slice(i + 2, q));
    var gap = s.slice(p, ok ? i : s.length);
    var joined = ok && p > 0 && /^[ \t\r\n]*$/.test(gap);
    var cs = s.substring(i + 2, q).split("*")[0].toLowerCase();
    if (!joined || cs != pendCs) {
      if (pend) out += decodeCharset(pend, pendCs, flags);
      pend = "";
    }
    if (!joined) out += decodeRaw(gap, flags);
    if (!ok) return out;
    var text = s.slice(q + 3, end);
    pend += enc == "B" ? b64bytes(text) : text.replace(/_/g, " ").replace(/=([0-9A-Fa-f][0-9A-Fa-f])/g, hexByte);
    pendCs = cs;
    p = end + 2;
  }
}
function parseStructured(s, flags) {
  var value = "";
  var params = {};
  var pieces = {};
  var start = 0;
  var quoted = false;
  for (var i = 0; ; i++) {
    var c = s[i];
    if (i >= s.length || c == ";" && !quoted) {
      var part = s.slice(start, i);
      if (!start) value = part.trim().toLowerCase();
      else {
        var eq = part.indexOf("=");
        var name = part.substr(0, eq).trim().toLowerCase();
        var val = part.slice(eq + 1).trim();
        if (val.length > 1 && val[0] == '"' && val[val.length - 1] == '"') val = val.slice(1, -1).replace(/\\(.)/g, "$1");
        var star = name.indexOf("*");
        var num = name.slice(star + 1);
        var encoded = !num || /^[0-9]*\*$/.test(num);
        if (star > 0 && (encoded || /^[0-9]+$/.test(num))) {
          var list = pieces[name = name.slice(0, star)] || (pieces[name] = []);
          if (list.push && list.length < 64) list.push([parseInt(num) || 0, val, encoded]);
        } else if (name && !(name in params)) params[name] = decodeWords(val, flags);
      }
      if (i >= s.length) break;
      start = i + 1;
    } else if (quoted && c == "\\") i++;
    else if (c == '"') quoted = !quoted;
  }
  for (var name in pieces) {
    var list = pieces[name].sort((a, b) => a[0] - b[0]);
    var cs = "";
    var bytes = "";
    for (var piece of list) {
      var v = piece[1];
      if (piece[2]) {
        var m = piece == list[0] && /^([^']*)'[^']*'/.exec(v);
        if (m) {
          cs = m[1];
          v = v.slice(m[0].length);
        }
        v = v.replace(/%([0-9A-Fa-f][0-9A-Fa-f])/g, hexByte);
      }
      bytes += v;
    }
    params[name] = cs ? decodeCharset(bytes, cs, flags) : decodeWords(bytes, flags);
  }
  return { value, params };
}
function parseAddresses(s, flags) {
  var out = [];
  var squash = (v2) => v2.replace(/[ \t\r\n]+/g, " ").trim();
  var text = "";
  var comment = "";
  var angle = null;
  var n = s.length;
  for (var i = 0; ; i++) {
    var c = s.substr(i, 1);
    if (i >= n || c == "," || c == ";") {
      var t = squash(text);
      var cm = squash(comment);
      var address = (angle !== null ? squash(angle) : t.indexOf("@") >= 0 ? t : "").replace(/ /g, "");
      var name = angle === null && address ? cm : t || cm;
      if (name == address) name = "";
      if (name || address) out.push({ name: decodeWords(name, flags).trim(), address: decodeRaw(address, flags) });
      if (i >= n || out.length > 99) return out;
      text = comment = "";
      angle = null;
    } else if (c == '"') {
      while (++i < n && s[i] != '"') {
        if (s[i] == "\\" && i + 1 < n) i++;
        text += s.substr(i, 1);
      }
    } else if (c == "(") {
      var depth = 1;
      var v = "";
      while (++i < n) {
        var d = s.substr(i, 1);
        if (d == "\\" && i + 1 < n) v += s.substr(++i, 1);
        else if (d == "(") depth++;
        else if (d == ")" && !--depth) break;
        if (d != "\\") v += d;
      }
      comment += (comment ? " " : "") + v;
    } else if (c == "<") {
      var e = s.indexOf(">", i + 1);
      if (e < 0) e = n;
      angle = (angle || "") + s.slice(i + 1, e);
      i = e;
    } else if (c == ":" && angle === null && text.indexOf("@") < 0) {
      text = comment = "";
    } else text += c;
  }
}
function safeFileName(raw) {
  var s = raw.split(/[\/\\]/).pop().replace(/[\x00-\x1f\x7f:*?"<>|]/g, "_").replace(/^[. ]+/, "").replace(/[. ]+$/, "");
  if (s.length > 120) {
    var dot = s.lastIndexOf(".");
    var ext = dot > 0 && s.length - dot <= 16 ? s.slice(dot) : "";
    s = s.slice(0, 120 - ext.length) + ext;
  }
  return s;
}

// src/mime/reader.ts
function unflow(str, delSp) {
  var lines = str.split("\n");
  var out = [];
  var para = "";
  var depth = 0;
  var prefix = "";
  for (var i = 0; i < lines.length; i++) {
    var line = lines[i];
    if (line.slice(-1) == "\r") line = line.slice(0, -1);
    var d = 0;
    while (line.charAt(d) == ">") d++;
    var pl = d && line.charAt(d) == " " ? d + 1 : d;
    var content = line.slice(pl);
    if (d == depth && para.slice(-1) == " " && para != "-- ") para = delSp ? para.slice(0, -1) + content : para + (d ? content : content.replace(/^ /, ""));
    else {
      if (i) out.push((prefix + para).replace(/^ /, ""));
      para = content;
      depth = d;
      prefix = line.slice(0, pl);
    }
  }
  if (para || prefix) out.push((prefix + para).replace(/^ /, ""));
  return out.join("\n");
}
var MimeReader = function(opts) {
  var self = this;
  var o = opts || {};
  var flags = self.flags = [];
  var stack = self.L = [];
  self.G = "";
  var head;
  var field;
  var inLine;
  var firstLine;
  var lineStart;
  var eol = "";
  var rest = "";
  var final;
  var ended;
  var path;
  var depth;
  var msg;
  var alt;
  var digest;
  var h;
  var kind;
  var enc;
  var type;
  var charset;
  var size;
  var text;
  var partFlags;
  var ctCut;
  var flowed;
  var maxDelim = 200;
  function emit(name, arg) {
    if (o[name]) o[name](arg);
  }
  function start(newPath, newDepth, f) {
    path = newPath;
    depth = newDepth;
    msg = !f;
    alt = !!f && f.H;
    digest = !!f && f.I;
    h = {};
    field = -1;
    inLine = false;
    kind = size = flowed = 0;
    text = "";
    partFlags = [];
    head = firstLine = true;
    ctCut = false;
  }
  function content(s, fin) {
    if (!kind) return;
    if (enc == 1 /* B64 */) {
      if (/[^A-Za-z0-9+\/=\s]/.test(s)) addFlag(partFlags, "bad-base64");
      var runs = (rest + s.replace(/[^A-Za-z0-9+\/=]/g, "")).split("=");
      rest = runs.pop();
      var n = fin ? rest.length : rest.length & -4;
      runs.push(rest.slice(0, n));
      rest = rest.slice(n);
      s = "";
      for (var run of runs) s += b64bytes(run, partFlags);
    } else if (enc == 2 /* QP */) {
      s = rest + s;
      n = s.length;
      var out = "";
      var at = 0;
      var keep = n;
      var blank = /^[ \t\r]*$/;
      for (var i = s.indexOf("="); i >= 0; i = s.indexOf("=", at)) {
        out += s.slice(at, i);
        var nl = s.indexOf("\n", i);
        var hex = s.substr(i + 1, 2);
        var isHex = /^[0-9A-Fa-f][0-9A-Fa-f]/.test(hex);
        if (!fin && (i + 2 >= n || nl < 0 && n - i < 80 && blank.test(s.slice(i + 1)))) {
          at = keep = i;
          break;
        }
        if (isHex) {
          out += hexByte(0, hex);
          at = i + 3;
        } else if (nl > i && nl < i + 80 && blank.test(s.slice(i + 1, nl))) {
          at = nl + 1;
        } else {
          if (i + 1 < n) addFlag(partFlags, "bad-qp");
          out += "=";
          at = i + 1;
        }
      }
      rest = s.slice(keep);
      s = out + s.slice(at, keep);
    }
    if (s) {
      size += s.length;
      if (kind == 1 /* Text */) text += s.slice(0, (o.maxText || 4096) - text.length);
      else emit("onAttachmentData", s);
    }
  }
  function endHeaders() {
    if (msg && o.onHeaders) {
      var hf = partFlags.slice();
      var id = (h[10 /* MessageId */] || "").trim();
      o.onHeaders({
        subject: decodeWords(h[4 /* Subject */] || "", hf).trim(),
        from: parseAddresses(h[5 /* From */] || "", hf),
        to: parseAddresses(h[6 /* To */] || "", hf),
        cc: parseAddresses(h[7 /* Cc */] || "", hf),
        replyTo: parseAddresses(h[8 /* ReplyTo */] || "", hf),
        date: (h[9 /* Date */] || "").trim(),
        messageId: id[0] == "<" ? id.slice(1).split(">")[0] : id,
        flags: hf,
        partPath: path,
        depth
      });
      addFlag(flags, hf);
    }
    head = false;
    lineStart = true;
    eol = rest = "";
    var ct = parseStructured(h[0 /* ContentType */] || "", partFlags);
    type = ct.value;
    if (type.indexOf("/") < 0) {
      if (type) addFlag(partFlags, "bad-content-type");
      else if (digest) addFlag(partFlags, "digest-default");
      type = digest ? "message/rfc822" : "text/plain";
    }
    charset = ct.params.charset || "";
    var lc = function(v) {
      return (v || "").toLowerCase().trim();
    };
    if (type == "text/plain" && lc(ct.params.format) == "flowed") flowed = lc(ct.params.delsp) == "yes" ? 2 : 1;
    var b = (ct.params.boundary || "").replace(/[ \t]+$/, "");
    var multi = type.indexOf("multipart/") == 0;
    if (multi && (!/^[\x20-\x7e]+$/.test(b) || ctCut)) {
      addFlag(flags, "multipart-without-boundary");
      type = "text/plain";
      multi = false;
    }
    var cte = (h[2 /* ContentTransferEncoding */] || "").trim().toLowerCase();
    var plain = ["", "7bit", "8bit", "binary"].indexOf(cte) >= 0;
    var cd = multi ? ct : parseStructured(h[1 /* ContentDisposition */] || "", partFlags);
    var inline = cd.value == "inline";
    if (multi || type == "message/rfc822" && inline && plain) {
      if (depth >= (o.maxDepth || 10)) addFlag(flags, "depth-limit");
      else if (multi) {
        if (b.length + 10 > maxDelim) maxDelim = b.length + 10;
        stack.push({
          p: "--" + b,
          J: path ? path + "." : "",
          F: 0,
          K: depth,
          H: alt || type == "multipart/alternative",
          I: type == "multipart/digest"
        });
      } else start(path, depth + 1);
      return;
    }
    if (msg) path = path ? path + ".1" : "1";
    enc = ["base64", "quoted-printable"].indexOf(cte) + 1;
    if (!enc && !plain) addFlag(flags, "unknown-encoding:" + cte.slice(0, 24));
    kind = " text/plain text/html message/delivery-status \n".indexOf(" " + type + " ") >= 0 && (inline || !cd.value) ? 1 /* Text */ : 2 /* Attach */;
    if (kind == 2 /* Attach */) {
      var rawName = cd.params.filename || ct.params.name || "";
      var name = safeFileName(rawName);
      if (name != rawName) addFlag(partFlags, "name-sanitised");
      var cid = (h[3 /* ContentId */] || "").trim();
      if (cid[0] == "<" && cid[cid.length - 1] == ">") cid = cid.slice(1, -1);
      emit("onAttachmentStart", { name, rawName, type, disposition: inline ? "inline" : "attachment", partPath: path, contentId: cid, charset });
    }
  }
  function close(from) {
    eol = "";
    if (head) endHeaders();
    content("", true);
    var t = text;
    var truncated = size > t.length;
    if (kind == 1 /* Text */) {
      if (truncated) {
        addFlag(partFlags, "text-truncated");
        for (var k = 1; k < 4 && k <= t.length; k++) {
          var c = t.charCodeAt(t.length - k);
          if (c < 128) break;
          if (c >= 192) {
            if ((c >= 240 ? 4 : c >= 224 ? 3 : 2) > k) t = t.slice(0, -k);
            break;
          }
        }
      }
      if (flowed) t = unflow(t, flowed > 1);
      t = decodeCharset(t, charset, partFlags).replace(/\r\n|\r/g, "\n");
    }
    addFlag(flags, partFlags);
    if (kind == 1 /* Text */) emit("onText", { type, charset, text: t, truncated, size, partPath: path, alternative: alt, depth, flags: partFlags });
    else if (kind) emit("onAttachmentEnd", { size, flags: partFlags });
    kind = 0 /* Skip */;
    for (var f of stack.splice(from)) addFlag(flags, "missing-" + (f.F ? "close-" : "") + "boundary");
  }
  function delimiter(line) {
    line = line.replace(/[ \t\r]+$/, "");
    for (var i = stack.length - 1; i >= 0; i--) {
      var f = stack[i];
      if (line == f.p || line == f.p + "--") {
        close(i + 1);
        if (line == f.p) {
          f.F++;
          start(f.J + f.F, f.K + 1, f);
        } else {
          stack.pop();
          head = false;
          lineStart = true;
        }
        return true;
      }
    }
    return false;
  }
  function write(chunk) {
    if (ended || typeof chunk != "string") throw new Error(ended ? "write after end" : "write needs a binary string");
    var maxHeader = o.maxHeader || 2048;
    var buf = self.G + chunk;
    var len = buf.length;
    var pos = 0;
    while (pos < len) {
      var nl = buf.indexOf("\n", pos);
      if (head) {
        var e = nl;
        var complete = nl >= 0;
        if (!complete) {
          if (!final && len - pos <= maxHeader + 200) break;
          e = nl = len;
          complete = final;
        } else if (e > pos && buf[e - 1] == "\r") e--;
        var s = buf.slice(pos, e);
        pos = nl + 1;
        if (!inLine) {
          if (!s) {
            endHeaders();
            continue;
          }
          if (" 	".indexOf(s[0]) < 0) {
            if (complete && delimiter(s)) continue;
            var colon = s.indexOf(":");
            var name = s.substr(0, colon).trim().toLowerCase();
            field = -1;
            if (colon < 1 || /[ \t]/.test(name)) addFlag(flags, firstLine && !path && s.slice(0, 5) == "From " ? "mbox-from-line" : "bad-header-line");
            else {
              var k = "content-type content-disposition content-transfer-encoding content-id subject from to cc reply-to date message-id".split(" ").indexOf(name);
              if (k >= 0 && (k <= 3 /* ContentId */ || msg) && !(k in h)) h[field = k] = "";
              else if ((k == 6 /* To */ || k == 7 /* Cc */) && msg) h[field = k] += ",";
              s = s.slice(colon + 1);
            }
          }
          firstLine = false;
        }
        if (field >= 0) {
          s = h[field] + s;
          if (s.length > maxHeader) {
            addFlag(flags, "header-truncated");
            addFlag(partFlags, "header-truncated");
            if (!field) ctCut = true;
            s = s.slice(0, maxHeader);
            var w = s.lastIndexOf("=?");
            if (w >= 0 && s.indexOf("?=", w + 2) < 0) s = s.slice(0, w);
            h[field] = s;
            field = -1;
          } else h[field] = s;
        }
        inLine = !complete;
        continue;
      }
      if (!stack.length) {
        content(buf.slice(pos));
        pos = len;
        break;
      }
      if (lineStart) {
        if (len - pos < 2 && !final) break;
        if (buf.substr(pos, 2) == "--") {
          if (nl < 0 && final) nl = len;
          if (nl < 0 && len - pos < maxDelim) break;
          if (nl >= 0 && delimiter(buf.slice(pos, nl))) {
            pos = nl + 1;
            continue;
          }
        }
        content(eol);
        eol = "";
        lineStart = false;
      }
      var c = buf.indexOf("\n--", pos);
      if (c > len - 3) c = -1;
      var cut = c < 0 ? len : c;
      if (c < 0 && !final) cut = buf[len - 1] == "\n" ? len - 1 : len - 2 >= pos && buf.slice(len - 2) == "\n-" ? len - 2 : len;
      if ((c >= 0 || !final) && cut > pos && buf[cut - 1] == "\r") cut--;
      if (cut > pos) content(buf.slice(pos, cut));
      if (c < 0) {
        pos = cut;
        break;
      }
      eol = buf.slice(cut, c + 1);
      lineStart = true;
      pos = c + 1;
    }
    self.G = buf.slice(pos);
  }
  self.write = write;
  self.end = function() {
    if (final) return;
    final = true;
    write("");
    ended = true;
    if (head) addFlag(flags, "no-body");
    content(eol);
    close(0);
    emit("onEnd", flags);
  };
  start("", 0);
};
exports.MimeReader=MimeReader;exports.WIDE_STRINGS=WIDE_STRINGS;exports.decodeCharset=decodeCharset;exports.decodeUtf8=decodeCharset;exports.decodeWords=decodeWords;exports.parseAddresses=parseAddresses;exports.parseStructured=parseStructured;exports.safeFileName=safeFileName;
}:0;
if(o==2){if(f||require("Storage").read(n)!==undefined)Modules.removeCached(n);return}
if(o&&f&&Modules.getCached().indexOf(n)<0){if(n=="s9inbox")$c("s9mime",1);Modules.addCached(n,f)}
return o?require(n):f}
// src/app/app.ts
var App = class {
  constructor(board, conf) {
    this.board = board;
    this.conf = conf;
    this.serial = global[board.serial];
    this.busy = this.stopped = this.Q = false;
    this.mail = this.onMail = this.N = null;
    this.M = 0;
    this.R = {};
    this.O = Date.now();
    this.f = {};
  }
  // ---- events: 'sending' (id), 'sent' (id), 'retry' (id, err), 'failed' (id, err), 'idle', 'mail' (msg),
  // 'progress' (id or 'in', [done, total]), 'client' (the client made for a job: its events, its engine's hooks)
  on(ev, fn) {
    (this.f[ev] = this.f[ev] || []).push(fn);
    return this;
  }
  emit(ev, a, b) {
    const l = this.f[ev] || [];
    for (let i = 0; i < l.length; i++) l[i](a, b);
  }
  /** Stores the alert, then answers (err, id); the worker sends it when it can. Returns a Promise without cb. */
  send(alert, cb) {
    const self = this;
    let e = null;
    let id;
    try {
      id = this.box("add", alert);
      setTimeout(function() {
        self.kick();
      }, 0);
    } catch (x) {
      e = x;
    }
    return cb ? cb(e, id) : e ? Promise.reject(e) : Promise.resolve(id);
  }
  /** Calls the outbox's `fn` ('add', 'pending', 'failed'), dropping the module again unless a job uses it. */
  box(fn, a) {
    try {
      return $c("s9box",1)[fn](a);
    } finally {
      this.P();
    }
  }
  /** Waiting alerts' ids, oldest first. */
  pending() {
    return this.box("pending");
  }
  /** Alerts set aside after a permanent failure, with their errors. */
  failed() {
    return this.box("failed");
  }
  /** Runs the worker if it is idle: the oldest due alert, or a timer for the next one (outbox.ts). */
  kick() {
    if (this.busy || this.stopped) return;
    clearTimeout(this.N);
    this.O = Date.now();
    this.busy = true;
    $c("s9box",1).work(this);
  }
  /** The shared client for a job, made and brought up (outbox.ts) for the first: cb(err, mail). */
  T(cb) {
    const self = this;
    const c = this.cfg();
    const o = { rxBufferSize: this.board.rxBufferSize, chunk: this.board.chunkBytes };
    this.M++;
    if (this.mail) return cb(null, this.mail);
    for (const k in c) o[k] = c[k];
    const m = this.mail = require("s9mail").connect(this.serial, o);
    this.emit("client", m);
    $c("s9box",1).up(this, m, function(e) {
      if (!self.busy) drop("s9box");
      if (e) self.S();
      cb(e, m);
    });
  }
  /** A job is done with the client: the last one closes the bearer (unless closeBearer is false) and the client. */
  S() {
    const self = this;
    const m = this.mail;
    const close = function() {
      if (self.M) return;
      m.close();
      self.mail = null;
      self.P();
    };
    if (--this.M) return;
    if (this.cfg().closeBearer === false || !m.bearerUp) return close();
    m.u("bearer", function() {
      m.bearer("close", function() {
        m.n("bearer");
        close();
      });
    });
  }
  /** Nothing runs and no client lives (a module dropped while an instance of it lives would come back twice): every
   * module but this one goes (their memory comes back). */
  P() {
    if (!this.busy && !this.M && !this.mail) drop("s9mail,s9at,s9smtp,s9pop3,s9mime,s9box,s9inbox");
  }
  cfg() {
    return this.conf || require("Storage").readJSON("mail.json", true) || {};
  }
  /** One inbox poll (inbox.ts): (err, number of mails handled). */
  poll(cb) {
    let m;
    try {
      m = $c("s9inbox",1);
    } catch (x) {
    }
    if (m) return m.poll(this, cb || function() {
    });
    const e = new Error("no s9inbox on this board");
    e.name = e.code = "E_UNSUPPORTED";
    cb ? cb(e) : console.log(e.message);
  }
  start() {
    this.stopped = false;
    this.kick();
  }
  stop() {
    this.stopped = true;
    clearTimeout(this.N);
  }
};
function drop(names) {
  names.split(",").forEach(function(n) {
    try {
      $c(n,2);
    } catch (e) {
    }
  });
}
function start(board, config) {
  const app = new App(board, config);
  const c = app.cfg();
  const wd = c.watchdog === void 0 ? board.id == "linux" ? 0 : 30 : c.watchdog;
  if (!c.smtp && !c.pop3) return console.log("sim900-mail: no mail.json in Storage; write one (see README) and reset"), null;
  app.serial.setup(c.baud || board.baud, { tx: board.tx, rx: board.rx, path: c.path || board.path });
  app.box("recover");
  E.on("errorFlag", function(flags) {
    if (app.mail && /UART_OVERFLOW|FIFO_FULL/.test("" + flags)) app.mail.at.overflow();
  });
  if (wd) {
    E.enableWatchdog(wd, false);
    setInterval(function() {
      if (!app.busy || Date.now() - app.O < (c.stallLimit || 6e5)) E.kickWatchdog();
    }, Math.max(50, wd * 333));
  }
  if (board.button)
    setWatch(function() {
      app.send({ subject: "Button pressed on " + board.name, body: "Test alert, uptime " + Math.round(getTime()) + " s." });
    }, board.button, { repeat: true, edge: "rising", debounce: 50 });
  if (c.inbox && c.inbox.every !== 0)
    setInterval(function() {
      app.poll();
    }, c.inbox.every || 6e5);
  app.start();
  return global.app = app;
}
exports.App=App;exports.drop=drop;exports.start=start;
// known by its own name too when the tools cached it under another (a URL): what it carries requires it by name
if(Modules.getCached().indexOf("s9app")<0){global.$x=exports;Modules.addCached("s9app","module.exports=$x");delete global.$x}
