/** RFC 9110 §5.6.2 `token`: what an HTTP field name may be made of (signer settings and workflow headers alike). */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
