/**
 * Teams' card colours as published in microsoft/AdaptiveCards samples/HostConfig/microsoft-teams-light.json and
 * microsoft-teams-dark.json: each container style's background and the text colours drawn on it, normal and subtle.
 */

/** A container style of Adaptive Cards. */
export type ContainerStyle = 'default' | 'emphasis' | 'accent' | 'good' | 'attention' | 'warning';
/** A TextBlock / TextRun colour of Adaptive Cards. */
export type TextColour = 'default' | 'dark' | 'light' | 'accent' | 'good' | 'warning' | 'attention';
/** A Teams theme. */
export type Theme = 'light' | 'dark';

type Foreground = Record<TextColour, string>;

const LIGHT_TEXT: Foreground = { default: '#ff252424', dark: '#252424', light: '#ffffff', accent: '#6264a7', good: '#92c353', warning: '#f8d22a', attention: '#c4314b' };
const LIGHT_SUBTLE: Foreground = { default: '#bf252424', dark: '#bf252424', light: '#fff3f2f1', accent: '#8b8cc7', good: '#e592c353', warning: '#e5f8d22a', attention: '#e5c4314b' };
const DARK_TEXT: Foreground = { default: '#ffffffff', dark: '#ff201f1f', light: '#ffffffff', accent: '#ffa6a7dc', good: '#ff92c353', warning: '#fff8d22a', attention: '#ffd74654' };
const DARK_SUBTLE: Foreground = { default: '#bfffffff', dark: '#ff2d2c2c', light: '#bfffffff', accent: '#ff8b8cc7', good: '#e592c353', warning: '#e5f8d22a', attention: '#e5d74654' };
// The dark theme keeps light backgrounds for styled containers and draws default text dark on them.
const DARK_TEXT_ON_STYLED: Foreground = { ...DARK_TEXT, default: '#ff201f1f' };
const DARK_SUBTLE_ON_STYLED: Foreground = { ...DARK_SUBTLE, default: '#ff2d2c2c' };

/** Per theme and container style: the background, the text colours, and the subtle text colours. */
export const TEAMS: Readonly<Record<Theme, Record<ContainerStyle, { background: string; text: Foreground; subtle: Foreground }>>> = {
  light: {
    default: { background: '#ffffff', text: LIGHT_TEXT, subtle: LIGHT_SUBTLE },
    emphasis: { background: '#fff9f8f7', text: LIGHT_TEXT, subtle: LIGHT_SUBTLE },
    accent: { background: '#C7DEF9', text: LIGHT_TEXT, subtle: LIGHT_SUBTLE },
    good: { background: '#CCFFCC', text: LIGHT_TEXT, subtle: LIGHT_SUBTLE },
    attention: { background: '#FFC5B2', text: LIGHT_TEXT, subtle: LIGHT_SUBTLE },
    warning: { background: '#FFE2B2', text: LIGHT_TEXT, subtle: LIGHT_SUBTLE },
  },
  dark: {
    default: { background: '#ff2d2c2c', text: DARK_TEXT, subtle: DARK_SUBTLE },
    emphasis: { background: '#ff292828', text: DARK_TEXT, subtle: DARK_SUBTLE },
    accent: { background: '#C7DEF9', text: DARK_TEXT_ON_STYLED, subtle: DARK_SUBTLE_ON_STYLED },
    good: { background: '#CCFFCC', text: DARK_TEXT_ON_STYLED, subtle: DARK_SUBTLE_ON_STYLED },
    attention: { background: '#FFC5B2', text: DARK_TEXT_ON_STYLED, subtle: DARK_SUBTLE_ON_STYLED },
    warning: { background: '#FFE2B2', text: DARK_TEXT_ON_STYLED, subtle: DARK_SUBTLE_ON_STYLED },
  },
};

/** Teams draws the card of an Action.ShowCard in this style (host config `actions.showCard.style`). */
export const SHOW_CARD_STYLE: ContainerStyle = 'emphasis';
