// The engine scenario (suite.mjs) in Firefox: Debian's firefox-esr, headless, over WebDriver BiDi.
import { engineSuite } from './suite.mjs';
import { firefox } from './drivers.mjs';

engineSuite(firefox);
