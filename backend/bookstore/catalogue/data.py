"""The Stripe Press titles the shop starts with (prices in cents, cover and ink colours in hex)."""

from __future__ import annotations

from typing import Final, TypedDict


class BookEntry(TypedDict):
    """One catalogue row as seeded; `position` comes from the order of this list."""

    id: str
    title: str
    author: str
    description: str
    format: str
    year: int
    price: int
    currency: str
    color: str
    ink_color: str
    stock: int  # copies on the shelf when the title is first seeded


BOOKS: Final[tuple[BookEntry, ...]] = (
    {
        "id": "the-dream-machine",
        "title": "The Dream Machine",
        "author": "M. Mitchell Waldrop",
        "description": (
            "How J. C. R. Licklider and a loose band of researchers imagined personal, "
            "networked computing decades before it existed, and then funded it into being."
        ),
        "format": "Hardcover",
        "year": 2018,
        "price": 3000,
        "currency": "usd",
        "color": "#1d3b57",
        "ink_color": "#f4efe6",
        "stock": 250,
    },
    {
        "id": "stubborn-attachments",
        "title": "Stubborn Attachments",
        "author": "Tyler Cowen",
        "description": (
            "A short argument that sustained economic growth, bounded by respect for human "
            "rights, is the surest way to make the future better than the present."
        ),
        "format": "Hardcover",
        "year": 2018,
        "price": 2000,
        "currency": "usd",
        "color": "#c8102e",
        "ink_color": "#fff8e7",
        "stock": 120,
    },
    {
        "id": "high-growth-handbook",
        "title": "High Growth Handbook",
        "author": "Elad Gil",
        "description": (
            "Practical advice, with interviews of founders and investors, for the messy stage "
            "when a startup grows from a few dozen people into a large company."
        ),
        "format": "Hardcover",
        "year": 2018,
        "price": 3500,
        "currency": "usd",
        "color": "#f2c14e",
        "ink_color": "#1b1b1b",
        "stock": 40,
    },
    {
        "id": "an-elegant-puzzle",
        "title": "An Elegant Puzzle",
        "author": "Will Larson",
        "description": (
            "A field guide to running engineering teams: sizing them, planning their work, "
            "and building the systems that keep a growing organisation healthy."
        ),
        "format": "Hardcover",
        "year": 2019,
        "price": 2800,
        "currency": "usd",
        "color": "#2e6f5e",
        "ink_color": "#f7f3e8",
        "stock": 35,
    },
    {
        "id": "working-in-public",
        "title": "Working in Public",
        "author": "Nadia Eghbal",
        "description": (
            "A look at who actually makes and maintains open source software today, and why "
            "attention, not code, has become the scarce resource."
        ),
        "format": "Hardcover",
        "year": 2020,
        "price": 2400,
        "currency": "usd",
        "color": "#e8e4da",
        "ink_color": "#1f3a93",
        "stock": 30,
    },
    {
        "id": "the-revolt-of-the-public",
        "title": "The Revolt of the Public",
        "author": "Martin Gurri",
        "description": (
            "A former CIA analyst traces how the flood of information unleashed by the "
            "internet undermined trust in institutions and fuelled leaderless protest."
        ),
        "format": "Hardcover",
        "year": 2018,
        "price": 2600,
        "currency": "usd",
        "color": "#3b3b3b",
        "ink_color": "#ff6b35",
        "stock": 25,
    },
    {
        "id": "where-is-my-flying-car",
        "title": "Where Is My Flying Car?",
        "author": "J. Storrs Hall",
        "description": (
            "An engineer asks why the technological future promised in the 1950s stalled, "
            "and finds much of the answer in energy, regulation and culture."
        ),
        "format": "Hardcover",
        "year": 2021,
        "price": 3200,
        "currency": "usd",
        "color": "#5fa8d3",
        "ink_color": "#0b1d33",
        "stock": 30,
    },
    {
        "id": "scientific-freedom",
        "title": "Scientific Freedom",
        "author": "Donald W. Braben",
        "description": (
            "A case for funding bold, unconventional researchers with few strings attached, "
            "drawn from a career spent running exactly such a programme."
        ),
        "format": "Hardcover",
        "year": 2020,
        "price": 2200,
        "currency": "usd",
        "color": "#6b2d5c",
        "ink_color": "#f0e6ef",
        "stock": 20,
    },
    {
        "id": "the-art-of-doing-science-and-engineering",
        "title": "The Art of Doing Science and Engineering",
        "author": "Richard W. Hamming",
        "description": (
            "Hamming's course on how to think about a technical career: what to work on, "
            "how to learn, and why some people do great work while others do not."
        ),
        "format": "Hardcover",
        "year": 2020,
        "price": 3000,
        "currency": "usd",
        "color": "#0f4c5c",
        "ink_color": "#e9d8a6",
        "stock": 45,
    },
    {
        "id": "the-big-score",
        "title": "The Big Score",
        "author": "Michael S. Malone",
        "description": (
            "A reporter's history of Silicon Valley's first fortunes, from Hewlett and "
            "Packard to the chip makers, told through the people who built them."
        ),
        "format": "Hardcover",
        "year": 2021,
        "price": 2800,
        "currency": "usd",
        "color": "#d4a373",
        "ink_color": "#2b2118",
        "stock": 0,
    },
    {
        "id": "the-making-of-prince-of-persia",
        "title": "The Making of Prince of Persia",
        "author": "Jordan Mechner",
        "description": (
            "The journals Mechner kept while writing and animating a landmark video game, "
            "doubts, deadlines and breakthroughs included."
        ),
        "format": "Hardcover",
        "year": 2020,
        "price": 2500,
        "currency": "usd",
        "color": "#14213d",
        "ink_color": "#fca311",
        "stock": 15,
    },
    {
        "id": "poor-charlies-almanack",
        "title": "Poor Charlie's Almanack",
        "author": "Charles T. Munger",
        "description": (
            "Talks and essays by Berkshire Hathaway's vice chairman on investing, "
            "decision-making and the mental models behind both."
        ),
        "format": "Hardcover",
        "year": 2023,
        "price": 3600,
        "currency": "usd",
        "color": "#7a1f1f",
        "ink_color": "#f3e3c3",
        "stock": 3,
    },
    {
        "id": "boom",
        "title": "Boom",
        "author": "Byrne Hobart and Tobias Huber",
        "description": (
            "An argument that some financial bubbles are worth having, because the "
            "shared conviction they create pays for ambitious projects nobody would fund alone."
        ),
        "format": "Hardcover",
        "year": 2024,
        "price": 3000,
        "currency": "usd",
        "color": "#ff4f00",
        "ink_color": "#111111",
        "stock": 120,
    },
    {
        "id": "pieces-of-the-action",
        "title": "Pieces of the Action",
        "author": "Vannevar Bush",
        "description": (
            "The memoir of the engineer who organised American science during the Second "
            "World War, on invention, management and getting things done."
        ),
        "format": "Hardcover",
        "year": 2022,
        "price": 2800,
        "currency": "usd",
        "color": "#344e41",
        "ink_color": "#dad7cd",
        "stock": 12,
    },
    {
        "id": "the-origins-of-efficiency",
        "title": "The Origins of Efficiency",
        "author": "Brian Potter",
        "description": (
            "Why some things get cheaper to make over time and others do not: a tour of "
            "production improvement, from steel mills to semiconductors."
        ),
        "format": "Hardcover",
        "year": 2025,
        "price": 3200,
        "currency": "usd",
        "color": "#9ab7c9",
        "ink_color": "#1d2b36",
        "stock": 18,
    },
)
