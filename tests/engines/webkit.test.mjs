// The engine scenario (suite.mjs) in WebKit: WebKitGTK's MiniBrowser through WebKitWebDriver, under
// Xvfb. LANG=C.UTF-8 on purpose: WebKitGTK then reports navigator.language "C", which Intl rejects
// (the lab must fall back to English, not fail to load).
import { engineSuite } from './suite.mjs';
import { webkit } from './drivers.mjs';

engineSuite(() => webkit({ env: { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } }));
