/*
 * banned.h - libc functions that are easy to misuse.  Using one is a
 * compile error; the comment says what to use instead.
 */
#ifndef RT_BANNED_H
#define RT_BANNED_H

#define RT_BANNED(func) sorry_##func##_is_banned_in_retort

#undef strcpy
#define strcpy(x, y) RT_BANNED(strcpy) /* use rt_buf or memcpy */
#undef strcat
#define strcat(x, y) RT_BANNED(strcat) /* use rt_buf_adds */
#undef strncpy
#define strncpy(x, y, n) RT_BANNED(strncpy) /* use rt_strlcpy */
#undef sprintf
#define sprintf(...) RT_BANNED(sprintf) /* use snprintf or rt_buf_addf */
#undef vsprintf
#define vsprintf(...) RT_BANNED(vsprintf) /* use vsnprintf */
#undef strtok
#define strtok(x, y) RT_BANNED(strtok) /* not reentrant */
#undef gmtime
#define gmtime(t) RT_BANNED(gmtime) /* use gmtime_r */
#undef localtime
#define localtime(t) RT_BANNED(localtime) /* use localtime_r */
#undef atoi
#define atoi(s) RT_BANNED(atoi) /* use strtol with checks */

#endif
