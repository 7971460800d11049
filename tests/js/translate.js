// Calls LibreTranslate's npm client exactly as a user would, printing its answer as JSON.
// Usage: node translate.js URL QUERY SOURCE TARGET FORMAT [API_KEY]
const { translate } = require("libretranslate");

const [apiurl, query, source, target, format, apiKey] = process.argv.slice(2);
translate({ query, source, target, format, apiurl, apiKey: apiKey || undefined })
  .then((text) => console.log(JSON.stringify({ translatedText: text === undefined ? null : text })))
  .catch((err) => { console.error(String(err)); process.exit(1); });
